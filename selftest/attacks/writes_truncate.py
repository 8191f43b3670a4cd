# category: writes
# tries: truncate a read-only stdlib file by path (to its own size, so nothing changes even if it worked)
# expect: violation truncate
import os


def attack(canary):
    os.truncate(os.__file__, os.path.getsize(os.__file__))
    return "truncated"
