# category: files
# tries: move itself into the root cgroup (out of its limits) by writing cgroup.procs
# expect: error FileNotFoundError
import os


def attack(canary):
    with open("/sys/fs/cgroup/cgroup.procs", "w") as f:
        f.write(str(os.getpid()))
    return "moved to the root cgroup"
