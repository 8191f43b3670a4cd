# category: writes
# tries: rename inside the read-only stdlib directory (a name that does not exist, so nothing moves even if it were writable)
# expect: error OSError
import os


def attack(canary):
    d = os.path.dirname(os.__file__)
    os.rename(os.path.join(d, "jailpy_absent.py"), os.path.join(d, "jailpy_planted.py"))
    return "renamed"
