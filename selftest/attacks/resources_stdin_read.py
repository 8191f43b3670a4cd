# category: resources
# tries: read stdin to its end, hoping to hang on the caller's terminal or read the caller's input
# expect: ok
# value: ["", ""]
# timeout: 2s

import os
import sys


def attack(canary):
    return [sys.stdin.read(), os.read(0, 1 << 16).decode("utf-8", "replace")]
