# category: forgery
# tries: return NaN and Infinity, which Python's json writes as bare NaN/Infinity tokens strict parsers reject
# expect: error ResultError
# regression: non-finite numbers in the value made the verdict invalid JSON

def attack(canary):
    return [float("nan"), float("inf"), -float("inf")]
