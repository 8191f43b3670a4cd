# category: processes
# tries: find every live process by probing pids 1..4096 with tgkill(pid, pid, 0); only itself may answer
# expect: ok
# value: [1]
import ctypes
import os

SYS_TGKILL = {"x86_64": 234, "aarch64": 131}


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_TGKILL[os.uname().machine]
    pids = list(range(1, 4097)) + [canary["sentinel_pid"], canary["host_pid"]]
    return sorted({pid for pid in pids if libc.syscall(nr, pid, pid, 0) == 0})
