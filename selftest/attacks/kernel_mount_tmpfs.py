# category: kernel
# tries: mount a tmpfs on a directory it made under /tmp (the first step of any mount-based breakout)
# expect: violation mount

import ctypes
import os


def attack(canary):
    target = "/tmp/mnt-attack"
    os.makedirs(target, exist_ok=True)
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.mount(b"none", target.encode(), b"tmpfs", 0, None)
    return [rc, ctypes.get_errno()]
