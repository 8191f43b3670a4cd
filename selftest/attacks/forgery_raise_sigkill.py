# category: forgery
# tries: a fake ok frame on fd 4, then signal.raise_signal(SIGKILL) (tgkill, allowed) to die as if the parent had killed it
# expect: error ProtocolError

# The function runs in the jail's pid 1, which ignores SIGKILL sent from
# inside its own pid namespace: it survives, returns None, and the real
# frame lands after the fake one.
import os
import signal

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    os.write(4, b"%d\n" % len(FAKE) + FAKE)
    signal.raise_signal(signal.SIGKILL)
