# category: env
# tries: list every variable in os.environ: nothing of the caller's environment may show up
# expect: ok
# value: ["HOME", "LC_ALL", "LOGNAME", "MALLOC_ARENA_MAX", "PATH", "TMPDIR", "USER"]
import os


def attack(canary):
    return sorted(os.environ)
