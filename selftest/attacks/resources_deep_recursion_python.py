# category: resources
# tries: lift the recursion limit to 10**6 and recurse 10**6 deep in pure Python
# expect: ok | crash SIGSEGV

# CPython >= 3.11 keeps Python frames off the C stack: this returns 1000000
# using about 150 MiB. Older interpreters overflow the C stack: SIGSEGV.
import sys


def down(n):
    return down(n + 1) + 1 if n < 10 ** 6 else 0


def attack(canary):
    sys.setrecursionlimit(10 ** 6 + 100)
    return down(0)
