"""What the tests share: the real binary (or a skip that says why), the
interpreter the jail runs, and fake jailpy binaries for the failures a real
one should never produce."""

import os
import stat
import sys
import tempfile
import textwrap
import unittest
from typing import Any, Dict, Type, TypeVar

# The package, when the tests run from somewhere other than clients/python.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: The jailpy under test, from the environment: these tests run the real
#: binary against the real kernel, never a mock of it.
JAILPY = os.environ.get("JAILPY", "")
#: The jail's interpreter: $JAILPY_PYTHON, else the one running the tests
#: (a real path, so jailpy resolves no shim).
PYTHON = os.environ.get("JAILPY_PYTHON") or os.path.realpath(sys.executable)

T = TypeVar("T", bound=Type[unittest.TestCase])


def needs_jailpy(cls: T) -> T:
    """Skip the class, saying what is missing, unless $JAILPY is a binary."""
    if not JAILPY:
        return unittest.skip("needs the jailpy binary: set JAILPY=/path/to/jailpy")(cls)
    if not (os.path.isfile(JAILPY) and os.access(JAILPY, os.X_OK)):
        return unittest.skip("needs the jailpy binary: JAILPY=%s is not an executable file" % JAILPY)(cls)
    return cls


def jailed() -> Dict[str, Any]:
    """The keyword arguments every real run gets."""
    return {"binary": JAILPY, "python": PYTHON}


def src(text: str) -> str:
    """Source written indented in a test, as a module."""
    return textwrap.dedent(text).lstrip("\n")


def fake_binary(test: unittest.TestCase, script: str) -> str:
    """An executable shell script standing in for jailpy, removed after
    the test."""
    d = tempfile.mkdtemp(prefix="jailpy-fake-")
    path = os.path.join(d, "jailpy")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + script + "\n")
    os.chmod(path, stat.S_IRWXU)
    test.addCleanup(_remove, d)
    return path


def _remove(d: str) -> None:
    for name in os.listdir(d):
        os.remove(os.path.join(d, name))
    os.rmdir(d)


#: A verdict a fake binary can print.
OK_VERDICT = '{"version":1,"status":"ok","value":7,"stdout":"","stderr":""}'
