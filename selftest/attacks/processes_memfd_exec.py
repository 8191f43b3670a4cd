# category: processes
# tries: copy the interpreter into a memfd_create file and execveat it (fileless exec past the noexec /tmp)
# expect: violation memfd_create
import ctypes
import os
import sys

SYS = {"x86_64": (319, 322), "aarch64": (279, 281)}  # memfd_create, execveat


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    memfd_create, execveat = SYS[os.uname().machine]
    fd = libc.syscall(memfd_create, b"x", 0)
    if fd < 0:
        return ["memfd_create", ctypes.get_errno()]
    with open(sys.executable, "rb") as f:
        os.write(fd, f.read())
    argv = (ctypes.c_char_p * 3)(b"python", b"-V", None)
    envp = (ctypes.c_char_p * 1)(None)
    libc.syscall(execveat, fd, b"", argv, envp, 0x1000)  # AT_EMPTY_PATH
    return ["execveat", ctypes.get_errno()]
