# category: processes
# tries: start /bin/sh with os.posix_spawn (clone with CLONE_VM|CLONE_VFORK, no pipe first)
# expect: violation clone
import os


def attack(canary):
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", "id"], {})
    return os.waitpid(pid, 0)[1]
