# category: network
# tries: connect to the host's TCP listener on 127.0.0.1
# expect: violation socket
import socket


def attack(canary):
    s = socket.create_connection(("127.0.0.1", canary["tcp_port"]), timeout=1)
    s.sendall(b"hello from the jail\n")
    return "connected"
