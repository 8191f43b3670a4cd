# category: files
# tries: list /dev for device nodes beyond null, zero and urandom
# expect: ok
# value: ["null", "urandom", "zero"]
import os


def attack(canary):
    return sorted(os.listdir("/dev"))
