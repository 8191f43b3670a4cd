# category: resources
# tries: return a 4 MiB string, four times the result cap
# expect: output result

def attack(canary):
    return "R" * (4 << 20)
