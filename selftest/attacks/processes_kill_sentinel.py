# category: processes
# tries: probe the host sentinel with kill(pid, 0)
# expect: violation kill
import os


def attack(canary):
    os.kill(canary["sentinel_pid"], 0)
    return "the sentinel is visible"
