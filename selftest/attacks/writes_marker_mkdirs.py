# category: writes
# tries: create the marker's directories, then the marker (in the jail's own /tmp, when the host's canaries live under /tmp)
# expect: ok | error OSError
# A jail that works sees the write land in its private tmpfs (ok) or in its
# read-only root (OSError, when the host's TMPDIR is not /tmp); the host then
# checks that the marker does not exist on its side.
import os


def attack(canary):
    os.makedirs(os.path.dirname(canary["marker"]), exist_ok=True)
    with open(canary["marker"], "w") as f:
        f.write("jailpy was here")
    return os.path.exists(canary["marker"])
