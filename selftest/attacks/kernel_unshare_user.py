# category: kernel
# tries: unshare(CLONE_NEWUSER | CLONE_NEWNS) to become root of a fresh user namespace, able to mount
# expect: violation unshare

import ctypes

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.unshare(CLONE_NEWUSER | CLONE_NEWNS)
    return [rc, ctypes.get_errno()]
