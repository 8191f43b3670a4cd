# category: processes
# tries: start a new session (the step of daemonizing that detaches from the jail's terminal and group)
# expect: violation setsid
import os


def attack(canary):
    return os.setsid()
