# category: resources
# tries: 100000 fsync/fdatasync calls on a read-only bind of a host file, plus os.sync(), to flush the host's disk
# expect: ok
# value: 100000
# timeout: 2s
# regression: fsync of a read-only host file flushed the host's block device; now answered without running

import os


def attack(canary):
    fd = os.open(os.__file__, os.O_RDONLY)
    n = 0
    for _ in range(50000):
        os.fsync(fd)
        os.fdatasync(fd)
        n += 2
    os.sync()
    return n
