# category: network
# tries: open an AF_PACKET socket to see or forge link-layer frames
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    return "packet socket %d" % s.fileno()
