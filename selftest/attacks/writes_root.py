# category: writes
# tries: create a file at the top of the file system, /jailpy_planted
# expect: error OSError

def attack(canary):
    with open("/jailpy_planted", "w") as f:
        f.write("x")
    return "created /jailpy_planted"
