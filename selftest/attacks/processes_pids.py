# category: processes
# tries: learn its own pid and parent pid (host pids would show the host's process table)
# expect: ok
# value: [1, 0]
import os


def attack(canary):
    return [os.getpid(), os.getppid()]
