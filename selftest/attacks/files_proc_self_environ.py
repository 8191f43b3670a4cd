# category: files
# tries: read its own initial environment from /proc/self/environ
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/self/environ", "rb") as f:
        return f.read().decode("utf-8", "replace")
