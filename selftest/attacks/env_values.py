# category: env
# tries: read HOME, PATH, USER and TMPDIR, which would show the caller's home, path and name
# expect: ok
# value: {"HOME": "/tmp", "PATH": "/nonexistent", "USER": "jail", "LOGNAME": "jail", "TMPDIR": "/tmp"}
import os


def attack(canary):
    return {k: os.environ.get(k) for k in ("HOME", "PATH", "USER", "LOGNAME", "TMPDIR")}
