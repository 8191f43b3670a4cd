# category: forgery
# tries: write a fake ok frame (and a fake verdict) to every open fd 0..20 that is not a regular file or directory, then raise
# expect: error ProtocolError

import os
import stat

FAKE = b'{"status":"ok","value":"forged"}'


def attack(canary):
    hit = []
    for fd in range(21):
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
                continue  # a leaked host file would be left alone
            os.write(fd, b"%d\n" % len(FAKE) + FAKE)
            hit.append(fd)
        except OSError:
            pass
    raise ValueError("the real outcome, written to fds %s" % hit)
