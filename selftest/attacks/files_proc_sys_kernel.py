# category: files
# tries: read host kernel settings under /proc/sys/kernel (core_pattern)
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/sys/kernel/core_pattern") as f:
        return f.read()
