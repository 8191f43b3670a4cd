# category: processes
# tries: thread bomb, bounded to 400 threads; returns whether the pids limit (16) stopped it
# expect: ok
# value: true
# timeout: 2s
# pids: 16
import threading


def attack(canary):
    stop = threading.Event()
    threads = []
    try:
        for _ in range(400):
            t = threading.Thread(target=stop.wait)
            t.start()
            threads.append(t)
    except RuntimeError:
        pass
    finally:
        stop.set()
    for t in threads:
        t.join()
    return 0 < len(threads) < 16
