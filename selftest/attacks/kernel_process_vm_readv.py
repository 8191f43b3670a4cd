# category: kernel
# tries: process_vm_readv from the sentinel's pid, reading another process's memory without ptrace
# expect: violation process_vm_readv

import ctypes

SYS_process_vm_readv = 310


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(4096)
    local = IOVec(ctypes.cast(buf, ctypes.c_void_p), 4096)
    remote = IOVec(0x400000, 4096)
    rc = libc.syscall(SYS_process_vm_readv, canary["sentinel_pid"], ctypes.byref(local), 1,
                      ctypes.byref(remote), 1, 0)
    return [rc, ctypes.get_errno(), buf.raw[:16].hex()]
