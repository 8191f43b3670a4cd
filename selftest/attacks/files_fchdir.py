# category: files
# tries: fchdir to a directory fd opened before, then walk up with chdir("..")
# expect: violation fchdir
import os


def attack(canary):
    fd = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
    os.fchdir(fd)
    for _ in range(64):
        os.chdir("..")
    return sorted(os.listdir("."))
