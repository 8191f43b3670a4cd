# category: kernel
# tries: ptrace(PTRACE_ATTACH) to the host's sentinel pid, then to pid 1 of the jail
# expect: violation ptrace

import ctypes

PTRACE_ATTACH = 16


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    out = []
    for pid in (canary["sentinel_pid"], 1):
        rc = libc.ptrace(PTRACE_ATTACH, pid, None, None)
        out.append([pid, rc, ctypes.get_errno()])
    return out
