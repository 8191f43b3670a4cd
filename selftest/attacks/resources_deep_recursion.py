# category: resources
# tries: lift the recursion limit to 10**6 and recurse through C (a __getattr__ that calls getattr) to overflow the C stack
# expect: crash SIGSEGV | error RecursionError

# CPython <= 3.11 trusts the raised limit and overflows the C stack; 3.12+
# has a separate C recursion limit and raises RecursionError.
import sys


class Deep:
    def __getattr__(self, name):
        return getattr(self, name + "x")


def attack(canary):
    sys.setrecursionlimit(10 ** 6)
    return Deep().y
