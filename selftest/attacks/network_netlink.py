# category: network
# tries: open a NETLINK_ROUTE socket to read or change interfaces and routes
# expect: violation socket
import socket


def attack(canary):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    return "netlink socket %d" % s.fileno()
