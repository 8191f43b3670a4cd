# category: kernel
# tries: load a kernel module: init_module of an empty image, then finit_module of /dev/null (both fail even for root)
# expect: violation init_module

import ctypes

SYS_init_module = 175
SYS_finit_module = 313


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_init_module, None, ctypes.c_ulong(0), b"")
    first = [rc, ctypes.get_errno()]
    with open("/dev/null", "rb") as f:
        rc = libc.syscall(SYS_finit_module, f.fileno(), b"", 0)
    return [first, [rc, ctypes.get_errno()]]
