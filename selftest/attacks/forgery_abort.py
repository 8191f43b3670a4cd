# category: forgery
# tries: os.abort() after printing a fake ok verdict: a death by SIGABRT that could pass for the parent's doing, or for nothing at all
# expect: crash SIGSEGV | crash SIGABRT

# The function runs in the jail's pid 1, which ignores the SIGABRT that
# abort() raises; glibc then executes hlt, a fault no process can ignore
# (SIGSEGV). Either way the verdict is a crash, never ok.
import os


def attack(canary):
    print('{"version":1,"status":"ok","value":"forged"}', flush=True)
    os.abort()
