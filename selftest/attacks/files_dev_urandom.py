# category: files
# tries: read /dev/urandom, /dev/zero and write /dev/null, which must keep working
# expect: ok
# value: [64, "00000000", 5]
import os


def attack(canary):
    with open("/dev/urandom", "rb") as f:
        n = len(f.read(64))
    with open("/dev/zero", "rb") as f:
        z = f.read(4).hex()
    with open("/dev/null", "w") as f:
        w = f.write("hello")
    return [n, z, w]
