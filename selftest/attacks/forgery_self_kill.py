# category: forgery
# tries: os.kill(os.getpid(), SIGKILL) after a fake frame, so that a death by the parent's favourite signal reads as its doing
# expect: violation kill

import os
import signal

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    os.kill(os.getpid(), signal.SIGKILL)
