# category: processes
# tries: the raw vfork system call through ctypes (58 on x86_64), child exits at once
# expect: violation vfork
import ctypes
import os


def attack(canary):
    if os.uname().machine != "x86_64":
        return "no vfork system call here"
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pid = libc.syscall(58)
    if pid == 0:
        libc._exit(0)
    return [pid, ctypes.get_errno()]
