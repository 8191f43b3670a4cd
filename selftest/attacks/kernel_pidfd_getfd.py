# category: kernel
# tries: pidfd_getfd to copy fd 4 (the result channel) out of pid 1 through a pidfd guessed as fd 5
# expect: violation pidfd_getfd

import ctypes

SYS_pidfd_getfd = 438


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_pidfd_getfd, 5, 4, 0)
    return [rc, ctypes.get_errno()]
