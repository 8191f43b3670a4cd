# category: network
# tries: connect to the host's unix socket by its path
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(canary["unix_path"])
    return "connected"
