# category: network
# tries: send a datagram to the host's UDP listener on 127.0.0.1
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"hello from the jail\n", ("127.0.0.1", canary["udp_port"]))
    return "sent"
