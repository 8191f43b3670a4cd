# category: kernel
# tries: acct() to turn on process accounting into a file under /tmp
# expect: violation acct

import ctypes


def attack(canary):
    open("/tmp/acct", "wb").close()
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.acct(b"/tmp/acct")
    return [rc, ctypes.get_errno()]
