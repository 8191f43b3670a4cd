# category: resources
# tries: sleep for an hour, using no CPU, so that only the wall clock can end it
# expect: timeout wall
# timeout: 1s

import time


def attack(canary):
    time.sleep(3600)
    return "woke up"
