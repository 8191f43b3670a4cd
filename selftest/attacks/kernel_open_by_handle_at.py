# category: kernel
# tries: the "shocker" breakout: open_by_handle_at with a forged ext4 handle for inode 2 (the host's root directory)
# expect: violation open_by_handle_at

import ctypes
import os
import struct

SYS_open_by_handle_at = 304
FILEID_INO32_GEN = 1


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    # struct file_handle: handle_bytes, handle_type, then f_handle (inode 2, generation 0)
    handle = ctypes.create_string_buffer(struct.pack("<Ii", 8, FILEID_INO32_GEN) + struct.pack("<II", 2, 0))
    fd = os.open("/", os.O_RDONLY)  # any fd on the wanted file system would do
    rc = libc.syscall(SYS_open_by_handle_at, fd, handle, os.O_RDONLY)
    return [rc, ctypes.get_errno()]
