# category: forgery
# tries: os._exit(0) before returning, hoping an exit code of 0 reads as success
# expect: error NoResult

import os


def attack(canary):
    print('{"status":"ok","value":"forged"}')
    os._exit(0)
