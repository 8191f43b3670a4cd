# category: processes
# tries: list the processes in /proc
# expect: error FileNotFoundError
import os


def attack(canary):
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
