# category: writes
# tries: chmod a read-only stdlib file (to the mode it already has)
# expect: violation chmod | violation fchmodat
import os


def attack(canary):
    os.chmod(os.__file__, os.stat(os.__file__).st_mode & 0o7777)
    return "chmodded"
