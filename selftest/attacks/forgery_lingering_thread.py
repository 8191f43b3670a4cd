# category: forgery
# tries: return at once while a non-daemon thread sleeps, then segfaults: the run must end with the return, not wait or crash
# expect: ok
# value: "real"
# timeout: 2s

import ctypes
import threading
import time


def later():
    time.sleep(1.5)
    ctypes.string_at(0)


def attack(canary):
    threading.Thread(target=later).start()
    return "real"
