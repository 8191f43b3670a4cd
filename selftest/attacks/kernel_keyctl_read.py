# category: kernel
# tries: keyctl(KEYCTL_GET_KEYRING_ID) then read the user keyring the jail's host uid shares
# expect: violation keyctl

import ctypes

SYS_keyctl = 250
KEYCTL_GET_KEYRING_ID = 0
KEY_SPEC_USER_KEYRING = -4


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)
    return [rc, ctypes.get_errno()]
