# category: files
# tries: read the host sentinel's environment (it holds the secret) from /proc/PID/environ
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/%d/environ" % canary["sentinel_pid"], "rb") as f:
        return f.read().decode("utf-8", "replace")
