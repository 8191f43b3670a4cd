# category: processes
# tries: send SIGTERM to the host sentinel
# expect: violation kill
import os
import signal


def attack(canary):
    os.kill(canary["sentinel_pid"], signal.SIGTERM)
    return "sent SIGTERM"
