# category: writes
# tries: hard-link a read-only stdlib file into the writable /tmp, to write through the link
# expect: violation link | violation linkat
import os


def attack(canary):
    os.link(os.__file__, "/tmp/os.py")
    with open("/tmp/os.py", "a") as f:
        f.write("# planted\n")
    return "linked"
