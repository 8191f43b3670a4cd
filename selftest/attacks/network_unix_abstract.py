# category: network
# tries: connect to the host's abstract unix socket (no file system path to hide it)
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0" + canary["abstract_name"])
    return "connected"
