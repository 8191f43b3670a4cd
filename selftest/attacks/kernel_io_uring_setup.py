# category: kernel
# tries: io_uring_setup(), whose rings submit openat/connect/... without the syscalls seccomp sees
# expect: violation io_uring_setup

import ctypes

SYS_io_uring_setup = 425


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)  # struct io_uring_params, all zero
    rc = libc.syscall(SYS_io_uring_setup, 8, params)
    return [rc, ctypes.get_errno()]
