# category: files
# tries: reach sysctls without /proc, through the old _sysctl system call (156 on x86_64)
# expect: violation _sysctl
import ctypes
import os


def attack(canary):
    if os.uname().machine != "x86_64":
        return "not x86_64"
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(156, None)
    return [rc, ctypes.get_errno()]
