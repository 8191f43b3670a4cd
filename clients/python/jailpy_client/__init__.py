"""Run one untrusted Python function in jailpy's jail, from Python.

    from pathlib import Path
    import jailpy_client

    jailpy_client.run(Path("user.py"), "score", [1, 2, 3], timeout=2, policy="math")
    jailpy_client.run(uploaded_text, "score", [1, 2, 3])      # a str is source code

Each verdict status that is not ``ok`` is an exception, subclass of
``JailpyError``; ``run_batch`` calls the function once per argument list
in a single jail and returns a ``Result`` per call.
"""

from .batch import Result, iter_batch, run_batch
from .errors import (Crash, Finding, JailError, JailpyError, MemoryLimit, NotRun, OutputLimit,
                     PolicyRejected, Timeout, UserCodeError, Violation)
from .run import run

__all__ = [
    "run", "run_batch", "iter_batch", "Result", "Finding",
    "JailpyError", "UserCodeError", "PolicyRejected", "Timeout", "MemoryLimit", "OutputLimit",
    "Violation", "Crash", "JailError", "NotRun",
]
