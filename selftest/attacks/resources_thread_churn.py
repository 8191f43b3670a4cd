# category: resources
# tries: start and join threads without pause (every thread exit is a seccomp checkpoint the parent answers) to stall the parent past the timeout
# expect: timeout wall
# timeout: 1s
# cpu-time: 2s

# A joined thread may still sit at its exit checkpoint and count against
# --pids: "can't start new thread" is retried, not fatal.
import threading
import time


def attack(canary):
    while True:
        threads = [threading.Thread(target=int) for _ in range(8)]
        for t in threads:
            try:
                t.start()
            except RuntimeError:
                time.sleep(0.001)
        for t in threads:
            if t.ident is not None:
                t.join()
