# category: processes
# tries: replace the interpreter with /bin/sh via os.execv
# expect: violation execve
import os


def attack(canary):
    os.execv("/bin/sh", ["sh", "-c", "id"])
