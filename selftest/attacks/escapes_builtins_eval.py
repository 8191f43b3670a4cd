# category: escapes
# tries: the seed's __builtins__.__dict__['eval'] to run a string that imports socket and dials the host's TCP listener
# expect: violation socket

def attack(canary):
    b = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__
    code = "__import__('so''cket').create_connection(('127.0.0.1', %d), 1).recv(64)" % canary["tcp_port"]
    return b['ev' 'al'](code)
