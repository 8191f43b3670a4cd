# category: forgery
# tries: a forged ok frame on fd 4 with the NaN and -Infinity tokens Python's json accepts, then exit 0
# expect: error ProtocolError

import os


def attack(canary):
    body = b'{"status":"ok","value":[NaN, -Infinity]}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
