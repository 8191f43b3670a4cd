# category: resources
# tries: fill /tmp with 1 MiB files (at most 64 MiB), then report how far it got
# expect: ok
# value: [28, true]

import errno
import os


def attack(canary):
    chunk = b"T" * (1 << 20)
    written = 0
    try:
        for i in range(64):
            with open("/tmp/fill-%d" % i, "wb") as f:
                f.write(chunk)
            written += len(chunk)
    except OSError as e:
        return [e.errno, written <= 16 << 20]  # ENOSPC at the 16 MiB default
    return [0, written]
