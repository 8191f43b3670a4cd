# category: kernel
# tries: setpriority(PRIO_PROCESS, 0, -20), to outrank the host's processes on the CPU
# expect: violation setpriority

import ctypes

PRIO_PROCESS = 0


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.setpriority(PRIO_PROCESS, 0, -20)
    return [rc, ctypes.get_errno()]
