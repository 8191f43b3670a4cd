# category: writes
# tries: open a stdlib module for writing in place (O_RDWR, no truncation)
# expect: error PermissionError | error OSError
# PermissionError when the file belongs to a host user the jail does not map
# (root); OSError (read-only file system) when it is the caller's own file.
import os


def attack(canary):
    fd = os.open(os.__file__, os.O_RDWR)
    os.close(fd)
    return "opened os.py for writing"
