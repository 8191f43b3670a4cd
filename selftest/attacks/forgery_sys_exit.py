# category: forgery
# tries: sys.exit(0) from the function, hoping the wrapper lets SystemExit end the process quietly
# expect: error SystemExit

import sys


def attack(canary):
    sys.exit(0)
