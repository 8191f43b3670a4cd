# category: escapes
# tries: walk ().__class__.__base__'s subclass tree to _io.FileIO (no open, no import) and read the secret file
# expect: error FileNotFoundError

def attack(canary):
    todo, seen = [().__class__.__base__], set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if cls.__name__ == "FileIO":
            return cls(canary["secret_file"]).read().decode()
        todo.extend(type.__subclasses__(cls))
    return "FileIO not found"
