# category: forgery
# tries: a forged ok frame on fd 4 with raw invalid UTF-8 and an escaped lone surrogate, then exit 0
# expect: ok
# value: ["\ufffd\ufffd\ufffd\ufffd", "\ufffd"]
# regression: a forged frame put raw invalid UTF-8 into the verdict

import os


def attack(canary):
    body = b'{"status":"ok","value":["\xff\xfe\xc0\x80", "\\ud800"]}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
