# category: forgery
# tries: an atexit handler that prints a fake verdict and writes a fake ok frame on fd 4 after the real one
# expect: ok
# value: "real"

import atexit
import os

FAKE = b'{"status":"ok","value":"forged"}'


def forge():
    print('{"version":1,"status":"ok","value":"forged"}')
    os.write(4, b"%d\n" % len(FAKE) + FAKE)


def attack(canary):
    atexit.register(forge)
    return "real"
