# category: files
# tries: read the environment of pid 1 (the host's init, or the jail's) from /proc/1/environ
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/1/environ", "rb") as f:
        return f.read().decode("utf-8", "replace")
