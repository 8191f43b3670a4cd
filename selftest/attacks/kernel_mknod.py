# category: kernel
# tries: mknod a block device node (8:0, /dev/sda) under /tmp, then open it
# expect: violation mknodat | violation mknod

# glibc >= 2.33 makes mknod() a mknodat call; older ones call mknod.
import os
import stat


def attack(canary):
    path = "/tmp/sda"
    os.mknod(path, 0o600 | stat.S_IFBLK, os.makedev(8, 0))
    with open(path, "rb") as f:
        return f.read(16).hex()
