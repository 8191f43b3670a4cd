# category: writes
# tries: create the host's marker file by its path
# expect: error FileNotFoundError

def attack(canary):
    with open(canary["marker"], "w") as f:
        f.write("jailpy was here")
    return "created the marker"
