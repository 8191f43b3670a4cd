# category: files
# tries: climb above the jail's root with chdir("..") a hundred times, then look for host directories
# expect: ok
# value: ["/", []]
import os


def attack(canary):
    os.chdir("/tmp")
    for _ in range(100):
        os.chdir("..")
    host = {"etc", "proc", "sys", "home", "root", "var", "run", "boot"}
    return [os.getcwd(), sorted(host & set(os.listdir(".")))]
