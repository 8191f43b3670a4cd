# category: processes
# tries: probe jailpy's own host process with kill(pid, 0)
# expect: violation kill
import os


def attack(canary):
    os.kill(canary["host_pid"], 0)
    return "jailpy's process is visible"
