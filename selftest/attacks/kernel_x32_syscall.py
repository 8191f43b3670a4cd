# category: kernel
# tries: an x32 ABI call (getpid | 0x40000000), which filters matching only native numbers miss
# expect: violation x32:getpid

import ctypes

X32_SYSCALL_BIT = 0x40000000
SYS_getpid = 39


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(ctypes.c_long(X32_SYSCALL_BIT | SYS_getpid))
    return [rc, ctypes.get_errno()]
