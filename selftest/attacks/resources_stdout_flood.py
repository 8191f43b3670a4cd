# category: resources
# tries: write 1 GiB to stdout in 1 MiB writes
# expect: output stdout
# timeout: 2s

import os


def attack(canary):
    chunk = b"A" * (1 << 20)
    for _ in range(1024):
        os.write(1, chunk)
    return "flooded"
