# category: files
# tries: read the host's secret file by its absolute path
# expect: error FileNotFoundError

def attack(canary):
    with open(canary["secret_file"]) as f:
        return f.read()
