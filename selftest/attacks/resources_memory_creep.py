# category: resources
# tries: grow slowly, 1 MiB every millisecond, to stay under a sampling watcher until past the limit
# expect: memory
# memory: 32MiB
# timeout: 2s

import time


def attack(canary):
    kept = []
    for _ in range(512):
        kept.append(b"\x02" * (1 << 20))
        time.sleep(0.001)
    return len(kept)
