# category: forgery
# tries: send a complete fake ok frame on fd 4, then sleep past the timeout
# expect: timeout wall
# timeout: 1s

import os
import time

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    time.sleep(3600)
