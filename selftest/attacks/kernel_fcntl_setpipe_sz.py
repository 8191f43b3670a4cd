# category: kernel
# tries: fcntl(F_SETPIPE_SZ) to grow the stdout pipe to 1 MiB, so a flood fits in it before anyone reads
# expect: violation fcntl

import fcntl

F_SETPIPE_SZ = 1031


def attack(canary):
    return fcntl.fcntl(1, F_SETPIPE_SZ, 1 << 20)
