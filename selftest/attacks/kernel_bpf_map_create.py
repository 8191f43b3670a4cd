# category: kernel
# tries: bpf(BPF_MAP_CREATE) for an array map, the entry to the eBPF verifier's attack surface
# expect: violation bpf

import ctypes
import struct

SYS_bpf = 321
BPF_MAP_CREATE = 0
BPF_MAP_TYPE_ARRAY = 2


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    # map_type, key_size, value_size, max_entries, map_flags; rest zero
    attr = ctypes.create_string_buffer(struct.pack("<5I", BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0), 128)
    rc = libc.syscall(SYS_bpf, BPF_MAP_CREATE, attr, 128)
    return [rc, ctypes.get_errno()]
