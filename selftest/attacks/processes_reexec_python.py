# category: processes
# tries: re-exec sys.executable (it exists in the jail) with fresh flags
# expect: violation execve
import os
import sys


def attack(canary):
    os.execv(sys.executable, [sys.executable, "-c", "print('re-executed')"])
