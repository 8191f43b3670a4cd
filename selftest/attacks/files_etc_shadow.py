# category: files
# tries: read /etc/shadow
# expect: error FileNotFoundError

def attack(canary):
    with open("/etc/shadow") as f:
        return f.read()
