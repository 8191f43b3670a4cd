# category: forgery
# tries: send a complete fake ok frame on fd 4, then make a denied call (socket)
# expect: violation socket

import os
import socket

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    return "forged"
