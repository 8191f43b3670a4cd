# category: files
# tries: make its own /dev/mem (char 1:1) with mknod in the writable /tmp
# expect: violation mknodat | violation mknod
import os
import stat


def attack(canary):
    os.mknod("/tmp/mem", stat.S_IFCHR | 0o600, os.makedev(1, 1))
    with open("/tmp/mem", "rb") as f:
        return f.read(16).hex()
