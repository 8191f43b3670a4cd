# category: files
# tries: look at the host's /tmp (where the canaries and other users' files live) through the jail's /tmp
# expect: ok
# value: [[], false]
import os


def attack(canary):
    return [os.listdir("/tmp"), os.path.exists(canary["secret_dir"])]
