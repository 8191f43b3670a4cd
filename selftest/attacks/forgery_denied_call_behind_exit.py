# category: forgery
# tries: a thread calls socket() while the main thread forges an ok frame and exits at once
# expect: violation socket
# regression: a denied call from one thread was withdrawn by the other's exit before the parent read it, and the run ended ok

import ctypes
import os
import threading
import time


def attack(canary):
    libc = ctypes.CDLL(None)
    ready = threading.Event()

    def attempt():
        ready.set()
        libc.socket(2, 1, 0)

    threading.Thread(target=attempt).start()
    ready.wait()
    time.sleep(0.005)
    body = b'{"status":"ok","value":"clean"}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
