# category: kernel
# tries: seccomp(SECCOMP_SET_MODE_STRICT): change its own filter (a filter that allows more cannot be stacked; strict mode would still swap the rules)
# expect: violation seccomp

import ctypes

SYS_seccomp = 317
SECCOMP_SET_MODE_STRICT = 0


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, None)
    return [rc, ctypes.get_errno()]
