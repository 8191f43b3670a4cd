# category: files
# tries: openat with a ../../.. walk from a /tmp directory fd to /etc/passwd
# expect: error FileNotFoundError
import os


def attack(canary):
    d = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
    fd = os.open("../" * 32 + "etc/passwd", os.O_RDONLY, dir_fd=d)
    return os.read(fd, 4096).decode("utf-8", "replace")
