# category: files
# tries: plant a symlink in /tmp pointing at the host's secret file and read through it
# expect: violation symlink | violation symlinkat
import os


def attack(canary):
    os.symlink(canary["secret_file"], "/tmp/link")
    with open("/tmp/link") as f:
        return f.read()
