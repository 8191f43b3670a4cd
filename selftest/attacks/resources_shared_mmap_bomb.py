# category: resources
# tries: touch 256 MiB of anonymous MAP_SHARED memory under a 64 MiB limit (RLIMIT_DATA does not count shared mappings)
# expect: memory
# memory: 64MiB
# regression: shared anonymous memory escaped RLIMIT_DATA without a cgroup (1 GiB touched under a 256 MiB limit, verdict ok)

# 256 MiB fits under RLIMIT_AS (--memory + 512 MiB), so without a cgroup the
# mapping succeeds and only the measured peak can catch it.
import mmap


def attack(canary):
    m = mmap.mmap(-1, 256 << 20, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    for i in range(0, len(m), mmap.PAGESIZE):
        m[i] = 1
    return "touched 256 MiB"
