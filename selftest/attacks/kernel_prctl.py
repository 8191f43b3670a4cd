# category: kernel
# tries: prctl(PR_SET_DUMPABLE, 1), the first step to exposing itself to ptrace and /proc from outside (PR_SET_SECCOMP, PR_SET_MM likewise)
# expect: violation prctl

import ctypes

PR_SET_DUMPABLE = 4


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    return [rc, ctypes.get_errno()]
