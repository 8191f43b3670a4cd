# category: kernel
# tries: pivot_root between two directories it made under /tmp
# expect: violation pivot_root

import ctypes
import os

SYS_pivot_root = 155


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    os.makedirs("/tmp/pr/old", exist_ok=True)
    rc = libc.syscall(SYS_pivot_root, b"/tmp/pr", b"/tmp/pr/old")
    return [rc, ctypes.get_errno()]
