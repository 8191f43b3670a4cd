# category: kernel
# tries: reboot(2) with the right magic but an invalid command (EINVAL even for root): is the call reachable?
# expect: violation reboot

import ctypes

SYS_reboot = 169
LINUX_REBOOT_MAGIC1 = 0xFEE1DEAD
LINUX_REBOOT_MAGIC2 = 672274793
INVALID_CMD = 0x0BADC0DE  # matches no LINUX_REBOOT_CMD_*


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_reboot, ctypes.c_uint(LINUX_REBOOT_MAGIC1), LINUX_REBOOT_MAGIC2,
                      ctypes.c_uint(INVALID_CMD), None)
    return [rc, ctypes.get_errno()]
