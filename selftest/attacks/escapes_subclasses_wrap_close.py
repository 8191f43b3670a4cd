# category: escapes
# tries: walk the subclasses to os._wrap_close, take os's globals from its __init__, and list the host's canary directory
# expect: error FileNotFoundError

def attack(canary):
    for cls in ().__class__.__base__.__subclasses__():
        if cls.__name__ == "_wrap_close":
            g = cls.__init__.__globals__
            return g["listdir"](canary["secret_dir"])
    return "_wrap_close not found"
