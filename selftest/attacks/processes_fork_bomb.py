# category: processes
# tries: fork bomb, bounded to 64 children that exit at once
# expect: violation clone
# timeout: 2s
import os


def attack(canary):
    children = 0
    for _ in range(64):
        if os.fork() == 0:
            os._exit(0)
        children += 1
    return children
