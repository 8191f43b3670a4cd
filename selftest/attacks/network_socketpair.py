# category: network
# tries: make a connected pair of unix sockets with socketpair
# expect: violation socketpair
import socket


def attack(canary):
    a, b = socket.socketpair()
    a.sendall(b"x")
    return b.recv(1).decode()
