# category: files
# tries: read the host sentinel's argv (it holds the secret) from /proc/PID/cmdline
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/%d/cmdline" % canary["sentinel_pid"], "rb") as f:
        return f.read().decode("utf-8", "replace")
