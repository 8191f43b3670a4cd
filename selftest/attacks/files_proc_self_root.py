# category: files
# tries: list / through /proc/self/root, the magic link to the process's root
# expect: error FileNotFoundError
import os


def attack(canary):
    return os.listdir("/proc/self/root")
