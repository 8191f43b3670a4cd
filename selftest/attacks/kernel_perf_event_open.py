# category: kernel
# tries: perf_event_open() on a software counter, a large and often-exploited kernel surface
# expect: violation perf_event_open

import ctypes
import struct

SYS_perf_event_open = 298
PERF_TYPE_SOFTWARE = 1
PERF_COUNT_SW_CPU_CLOCK = 0


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    size = 128
    attr = ctypes.create_string_buffer(struct.pack("<IIQ", PERF_TYPE_SOFTWARE, size, PERF_COUNT_SW_CPU_CLOCK), size)
    rc = libc.syscall(SYS_perf_event_open, attr, 0, -1, -1, ctypes.c_ulong(0))
    return [rc, ctypes.get_errno()]
