# category: files
# tries: probe for the runner
# expect: error FileNotFoundError

def attack(canary):
    return open(canary["secret_file"]).read()
