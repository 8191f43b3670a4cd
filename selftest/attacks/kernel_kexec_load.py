# category: kernel
# tries: kexec_load with no segments and an invalid flag (fails even for root): replacing the host kernel
# expect: violation kexec_load

import ctypes

SYS_kexec_load = 246
SYS_kexec_file_load = 320


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_kexec_load, ctypes.c_ulong(0), ctypes.c_ulong(0), None, ctypes.c_ulong(0xFFFF0000))
    first = [rc, ctypes.get_errno()]
    rc = libc.syscall(SYS_kexec_file_load, -1, -1, ctypes.c_ulong(0), None, ctypes.c_ulong(0xFFFF0000))
    return [first, [rc, ctypes.get_errno()]]
