# category: forgery
# tries: a frame whose status is one only the parent may decide (timeout, with fake measurements), then exit 0
# expect: error ProtocolError

import os

FAKE = b'{"status":"timeout","limit":"wall","wall_ms":1,"value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    os._exit(0)
