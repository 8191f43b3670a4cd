# category: files
# tries: open a sysctl for writing (/proc/sys/kernel/core_pattern; nothing is written)
# expect: error FileNotFoundError
import os


def attack(canary):
    fd = os.open("/proc/sys/kernel/core_pattern", os.O_WRONLY)
    os.close(fd)
    return "opened a sysctl for writing"
