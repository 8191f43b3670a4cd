# category: escapes
# tries: the seed's line that a comment-stripping regex drops: #'''; eval(...) closes a multi-line string, then evals a socket to the host's UDP listener
# expect: violation socket

def attack(canary):
    port = canary["udp_port"]
    s = '''
#'''; eval("__import__('socket').socket(2, 2).sendto(b'escaped', ('127.0.0.1', port))")
    return s
