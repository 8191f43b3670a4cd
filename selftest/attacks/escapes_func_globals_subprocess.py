# category: escapes
# tries: attack.__globals__['__builtins__']['__import__']('subprocess') and run cat on the secret file
# expect: violation pipe2

def attack(canary):
    b = attack.__globals__["__builtins__"]
    imp = b["__import__"] if isinstance(b, dict) else b.__import__
    sp = imp("sub" "process")
    return sp.run(["cat", canary["secret_file"]], capture_output=True).stdout.decode()
