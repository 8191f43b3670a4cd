# category: processes
# tries: run a shell command with os.system
# expect: violation clone
import os


def attack(canary):
    return os.system("cat /etc/passwd")
