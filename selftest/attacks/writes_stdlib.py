# category: writes
# tries: plant a module in the interpreter's stdlib directory, to be imported by the next caller
# expect: error OSError
import os


def attack(canary):
    path = os.path.join(os.path.dirname(os.__file__), "jailpy_planted.py")
    with open(path, "w") as f:
        f.write("print('planted')\n")
    return path
