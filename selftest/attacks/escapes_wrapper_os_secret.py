# category: escapes
# tries: take os from the wrapper's frame (sys._getframe(1).f_globals) and read the secret through os.open, without the word import
# expect: error FileNotFoundError

import sys


def attack(canary):
    os = sys._getframe(1).f_globals["os"]
    fd = os.open(canary["secret_file"], os.O_RDONLY)
    return os.read(fd, 4096).decode()
