# category: files
# tries: list the host's cgroup tree at /sys/fs/cgroup
# expect: error FileNotFoundError
import os


def attack(canary):
    return os.listdir("/sys/fs/cgroup")
