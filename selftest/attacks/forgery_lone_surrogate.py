# category: forgery
# tries: return a string holding a lone surrogate, which is not valid UTF-8 once encoded
# expect: ok
# value: "\ufffdx"
# regression: lone surrogates and invalid bytes reached the verdict, which strict parsers reject

def attack(canary):
    return "\ud800x"
