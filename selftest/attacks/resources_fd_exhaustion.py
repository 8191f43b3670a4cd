# category: resources
# tries: open /dev/null until the descriptor table is full (at most 1<<20 opens)
# expect: ok
# value: ["EMFILE", 60]

# RLIMIT_NOFILE is 64 in the jail; fds 0, 1, 2 and 4 (the result channel)
# are open when the function runs.
import errno
import os


def attack(canary):
    fds = []
    try:
        for _ in range(1 << 20):
            fds.append(os.open("/dev/null", os.O_RDONLY))
    except OSError as e:
        return [errno.errorcode.get(e.errno), len(fds)]
    return ["none", len(fds)]
