# category: files
# tries: the classic chroot breakout: chroot into a subdirectory, then chdir("..") out of it
# expect: violation chroot
import os


def attack(canary):
    os.mkdir("/tmp/cage")
    os.chroot("/tmp/cage")
    for _ in range(64):
        os.chdir("..")
    os.chroot(".")
    return sorted(os.listdir("/"))
