# category: network
# tries: socket(2) through ctypes' syscall() for the rarely audited families (AF_ALG, AF_BLUETOOTH, AF_CAN, AF_RDS, AF_TIPC, AF_XDP)
# expect: violation socket
import ctypes
import os

SYS_SOCKET = {"x86_64": 41, "aarch64": 198}


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_SOCKET[os.uname().machine]
    out = []
    for family in (38, 31, 29, 21, 30, 44):
        out.append([family, libc.syscall(nr, family, 5, 0), ctypes.get_errno()])
    return out
