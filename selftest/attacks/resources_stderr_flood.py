# category: resources
# tries: write 1 GiB to stderr through print and sys.stderr in 64 KiB lines
# expect: output stderr
# timeout: 2s

import sys


def attack(canary):
    line = "E" * ((64 << 10) - 1)
    for _ in range(16384):
        print(line, file=sys.stderr)
    return "flooded"
