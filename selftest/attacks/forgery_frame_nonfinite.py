# category: forgery
# tries: a forged ok frame on fd 4 holding 1e999999 (infinite as a double), then exit 0
# expect: error ResultError
# regression: a forged frame put an infinite number into the verdict, which strict parsers reject

import os


def attack(canary):
    body = b'{"status":"ok","value":[1, 1e999999]}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
