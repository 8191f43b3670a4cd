# category: processes
# tries: read the host sentinel's limits with prlimit(pid, ...) (only pid 0 is allowed)
# expect: violation prlimit64
import resource


def attack(canary):
    return resource.prlimit(canary["sentinel_pid"], resource.RLIMIT_NOFILE)
