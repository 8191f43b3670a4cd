# category: kernel
# tries: add_key a user key to the session keyring (shared with the host user's other processes)
# expect: violation add_key

import ctypes

SYS_add_key = 248
KEY_SPEC_SESSION_KEYRING = -3


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    payload = b"planted-by-attack"
    rc = libc.syscall(SYS_add_key, b"user", b"jailpy-attack", payload,
                      ctypes.c_size_t(len(payload)), KEY_SPEC_SESSION_KEYRING)
    return [rc, ctypes.get_errno()]
