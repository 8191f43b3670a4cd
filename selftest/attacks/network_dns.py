# category: network
# tries: resolve a host name (a DNS query would need a socket)
# expect: violation socket | error socket.gaierror
import socket


def attack(canary):
    return socket.getaddrinfo("example.com", 80)
