# category: files
# tries: list root's home directory /root
# expect: ok
# value: []
# An interpreter installed under /root (pyenv) has its own directory there, mounted read-only by the plan; nothing else of /root may show.
import os
import sys


def attack(canary):
    try:
        entries = os.listdir("/root")
    except FileNotFoundError:
        return []
    own = {p.split("/")[2] for p in (sys.prefix, sys.base_prefix, os.path.realpath(sys.executable)) if p.startswith("/root/")}
    return sorted(set(entries) - own)
