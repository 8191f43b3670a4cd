# category: kernel
# tries: pidfd_open on pid 1 and on the sentinel's host pid, for pidfd_getfd/pidfd_send_signal
# expect: violation pidfd_open

import ctypes

SYS_pidfd_open = 434


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    out = []
    for pid in (1, canary["sentinel_pid"]):
        rc = libc.syscall(SYS_pidfd_open, pid, 0)
        out.append([pid, rc, ctypes.get_errno()])
    return out
