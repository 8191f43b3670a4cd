# category: resources
# tries: write 1 GiB into the result channel (fd 4), hoping jailpy buffers it all in its own, unlimited memory
# expect: output result

import os


def attack(canary):
    chunk = b"9" * (1 << 20)
    for _ in range(1024):
        os.write(4, chunk)
    return "flooded"
