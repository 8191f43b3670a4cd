# category: resources
# tries: burn CPU on 5 threads at once (hashlib drops the GIL), hoping only the main thread's CPU time is counted
# expect: timeout cpu
# timeout: 2s
# cpu-time: 500ms

import hashlib
import threading


def burn(data):
    while True:
        hashlib.sha256(data).digest()


def attack(canary):
    data = b"\x00" * (8 << 20)
    for _ in range(4):
        threading.Thread(target=burn, args=(data,), daemon=True).start()
    burn(data)
