# category: files
# tries: list / and look for the usual host directories (etc, proc, sys, home, root, var, ...)
# expect: ok
# value: []
# The interpreter's own top-level directory (/opt for a vendor build, /root for pyenv) is mounted by the plan and so not counted.
import os
import sys


def attack(canary):
    host = {"etc", "proc", "sys", "home", "root", "var", "run", "boot", "mnt", "srv", "opt", "media", "snap"}
    own = {p.split("/")[1] for p in (sys.prefix, sys.base_prefix, os.path.realpath(sys.executable))}
    return sorted((host - own) & set(os.listdir("/")))
