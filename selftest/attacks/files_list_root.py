# category: files
# tries: list / and look for the usual host directories (etc, proc, sys, home, root, var, ...)
# expect: ok
# value: []
import os


def attack(canary):
    host = {"etc", "proc", "sys", "home", "root", "var", "run", "boot", "mnt", "srv", "opt", "media", "snap"}
    return sorted(host & set(os.listdir("/")))
