# category: kernel
# tries: clone3 with CLONE_NEWUSER, whose flags live in memory the filter cannot read
# expect: ok
# value: [-1, 38]

# clone3 is answered ENOSYS (38) without running: glibc then falls back to
# clone, whose flags the filter does check. No child exists afterwards.
import ctypes
import struct

SYS_clone3 = 435
CLONE_NEWUSER = 0x10000000
SIGCHLD = 17


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    # struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls
    args = ctypes.create_string_buffer(struct.pack("<8Q", CLONE_NEWUSER, 0, 0, 0, SIGCHLD, 0, 0, 0))
    rc = libc.syscall(SYS_clone3, args, ctypes.c_size_t(64))
    if rc == 0:
        libc.syscall(60, 0)  # the child, should one exist: exit at once
    return [rc, ctypes.get_errno()]
