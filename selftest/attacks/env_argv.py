# category: env
# tries: look for the caller's arguments in sys.argv, and whether PYTHON* variables would be honoured
# expect: ok
# value: [["-c"], 1, 1]
import sys


def attack(canary):
    return [sys.argv, sys.flags.isolated, sys.flags.ignore_environment]
