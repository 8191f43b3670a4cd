# category: files
# tries: list /home, where the users' homes are
# expect: error FileNotFoundError
import os


def attack(canary):
    return os.listdir("/home")
