# category: resources
# tries: one 900 KiB write to stdout and a quick return, so the whole flood sits in the pipe before the exit
# expect: output stdout
# regression: output over the cap ended ok when the whole write fit in the pipe before the process exited

import os


def attack(canary):
    os.write(1, b"x" * (900 << 10))
    return "ok"
