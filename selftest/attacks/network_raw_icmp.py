# category: network
# tries: open a raw ICMP socket (as uid 0 of the jail)
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    return "raw socket %d" % s.fileno()
