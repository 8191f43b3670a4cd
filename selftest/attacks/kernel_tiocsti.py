# category: kernel
# tries: ioctl(TIOCSTI) on fds 0-2 to push keystrokes into the caller's terminal
# expect: violation ioctl

import ctypes

TIOCSTI = 0x5412


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    out = []
    for fd in (0, 1, 2):
        for ch in b"id\n":
            rc = libc.ioctl(fd, TIOCSTI, ctypes.byref(ctypes.c_char(ch)))
            out.append([fd, rc, ctypes.get_errno()])
    return out
