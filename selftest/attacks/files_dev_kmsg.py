# category: files
# tries: read the kernel log through /dev/kmsg
# expect: error FileNotFoundError

def attack(canary):
    with open("/dev/kmsg", "rb") as f:
        return f.read(256).decode("utf-8", "replace")
