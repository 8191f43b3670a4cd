# category: processes
# tries: probe the sentinel and jailpy with tgkill(pid, pid, 0), which the allow-list keeps for abort()
# expect: ok
# value: [[-1, 3], [-1, 3]]
import ctypes
import errno
import os

SYS_TGKILL = {"x86_64": 234, "aarch64": 131}


def attack(canary):
    assert errno.ESRCH == 3
    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_TGKILL[os.uname().machine]
    out = []
    for pid in (canary["sentinel_pid"], canary["host_pid"]):
        ctypes.set_errno(0)
        out.append([libc.syscall(nr, pid, pid, 0), ctypes.get_errno()])
    return out
