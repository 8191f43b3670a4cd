# category: files
# tries: list root's home directory /root
# expect: error FileNotFoundError
import os


def attack(canary):
    return os.listdir("/root")
