# category: forgery
# tries: send a complete fake ok frame on fd 4, then touch 256 MiB of shared memory under a 64 MiB limit
# expect: memory
# memory: 64MiB

import mmap
import os

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    m = mmap.mmap(-1, 256 << 20, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    for i in range(0, len(m), mmap.PAGESIZE):
        m[i] = 1
    os._exit(0)
