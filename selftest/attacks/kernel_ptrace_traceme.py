# category: kernel
# tries: ptrace(PTRACE_TRACEME), offering itself to a tracer outside
# expect: violation ptrace

import ctypes

PTRACE_TRACEME = 0


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.ptrace(PTRACE_TRACEME, 0, None, None)
    return [rc, ctypes.get_errno()]
