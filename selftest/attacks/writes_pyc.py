# category: writes
# tries: write a .pyc into the stdlib's __pycache__ with py_compile
# expect: error OSError
import importlib.util
import os
import py_compile


def attack(canary):
    with open("/tmp/jailpy_planted.py", "w") as f:
        f.write("print('planted')\n")
    target = importlib.util.cache_from_source(os.path.join(os.path.dirname(os.__file__), "jailpy_planted.py"))
    return py_compile.compile("/tmp/jailpy_planted.py", cfile=target, doraise=True)
