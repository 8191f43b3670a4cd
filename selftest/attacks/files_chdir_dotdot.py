# category: files
# tries: climb above the jail's root with chdir("..") a hundred times, then look for host directories
# expect: ok
# value: ["/", []]
# The interpreter's own top-level directory is mounted by the plan and so not counted.
import os
import sys


def attack(canary):
    os.chdir("/tmp")
    for _ in range(100):
        os.chdir("..")
    host = {"etc", "proc", "sys", "home", "root", "var", "run", "boot"}
    own = {p.split("/")[1] for p in (sys.prefix, sys.base_prefix, os.path.realpath(sys.executable))}
    return [os.getcwd(), sorted((host - own) & set(os.listdir(".")))]
