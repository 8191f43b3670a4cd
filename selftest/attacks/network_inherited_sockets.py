# category: network
# tries: find a socket among inherited descriptors (sendmsg is allowed: a socket would be a way out)
# expect: ok
# value: []
import os
import stat


def attack(canary):
    found = []
    for fd in range(1024):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISSOCK(st.st_mode):
            found.append(fd)
    return found
