# category: kernel
# tries: personality(READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE) to make memory executable and layouts predictable
# expect: violation personality

import ctypes

READ_IMPLIES_EXEC = 0x0400000
ADDR_NO_RANDOMIZE = 0x0040000


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.personality(READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE)
    return [rc, ctypes.get_errno()]
