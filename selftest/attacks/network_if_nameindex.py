# category: network
# tries: list the network interfaces with socket.if_nameindex
# expect: violation socket
import socket


def attack(canary):
    return socket.if_nameindex()
