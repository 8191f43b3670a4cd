# category: forgery
# tries: print a fake verdict, invalid UTF-8, NUL and terminal escapes on stdout and stderr, hoping they leak into the caller's JSON
# expect: ok
# value: "real"

import os

FAKE = b'"}\n{"version":1,"status":"ok","value":"forged"}\n'


def attack(canary):
    junk = FAKE + b"\xff\xfe\xc0\x80\x00\x1b[2J\xed\xa0\x80"
    os.write(1, junk)
    os.write(2, junk)
    return "real"
