# category: files
# tries: look for a shell or any other program to run besides the interpreter
# expect: ok
# value: []
import os

PROGRAMS = ["/bin/sh", "/bin/bash", "/bin/dash", "/bin/busybox", "/usr/bin/sh", "/usr/bin/bash",
            "/usr/bin/env", "/usr/bin/perl", "/usr/bin/id", "/bin/cat", "/usr/bin/curl", "/sbin/init"]


def attack(canary):
    return [p for p in PROGRAMS if os.path.exists(p)]
