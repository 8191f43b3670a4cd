# category: kernel
# tries: name_to_handle_at on the interpreter's read-only bind, learning the host file system's handle format
# expect: violation name_to_handle_at

import ctypes
import os

SYS_name_to_handle_at = 303
AT_FDCWD = -100


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    handle = ctypes.create_string_buffer((120).to_bytes(4, "little"), 128)  # handle_bytes = 120
    mount_id = ctypes.c_int(0)
    rc = libc.syscall(SYS_name_to_handle_at, AT_FDCWD, os.__file__.encode(), handle,
                      ctypes.byref(mount_id), 0)
    return [rc, ctypes.get_errno(), handle.raw[:24].hex(), mount_id.value]
