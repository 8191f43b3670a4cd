# category: files
# tries: list the host directory the canaries live in
# expect: error FileNotFoundError
import os


def attack(canary):
    return os.listdir(canary["secret_dir"])
