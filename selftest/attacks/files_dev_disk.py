# category: files
# tries: open the host's first disk, /dev/sda
# expect: error FileNotFoundError

def attack(canary):
    with open("/dev/sda", "rb") as f:
        return f.read(512).hex()
