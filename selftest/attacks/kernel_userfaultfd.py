# category: kernel
# tries: userfaultfd(), the classic tool for pausing the kernel mid-copy to win a race
# expect: violation userfaultfd

import ctypes

SYS_userfaultfd = 323
O_CLOEXEC = 0o2000000


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_userfaultfd, O_CLOEXEC)
    return [rc, ctypes.get_errno()]
