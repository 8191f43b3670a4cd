# category: processes
# tries: daemonize to outlive the run: fork, setsid, fork again, sleep in the grandchild
# expect: violation clone
# timeout: 2s
import os
import time


def attack(canary):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(30)
        os._exit(0)
    return "daemonized"
