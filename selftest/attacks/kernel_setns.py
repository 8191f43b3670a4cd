# category: kernel
# tries: setns into another network namespace through fds it holds (the fds 0-4 it was given)
# expect: violation setns

import ctypes

CLONE_NEWNET = 0x40000000


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    out = []
    for fd in range(5):
        rc = libc.setns(fd, CLONE_NEWNET)
        out.append([fd, rc, ctypes.get_errno()])
    return out
