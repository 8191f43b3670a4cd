# category: files
# tries: open physical memory, /dev/mem
# expect: error FileNotFoundError

def attack(canary):
    with open("/dev/mem", "rb") as f:
        return f.read(16).hex()
