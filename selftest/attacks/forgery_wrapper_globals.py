# category: forgery
# tries: rewrite the wrapper's globals through sys._getframe(1).f_globals: its _error turns the raise into an ok frame, its _exit keeps the process alive
# expect: timeout wall
# timeout: 1s

import sys
import time


def attack(canary):
    g = sys._getframe(1).f_globals  # the wrapper's module (_run's globals)
    g["_error"] = lambda exc, job, source: {"status": "ok", "value": "forged"}
    g["_exit"] = lambda code: time.sleep(3600)  # the frame is sent, the process never ends
    raise RuntimeError("the real outcome")
