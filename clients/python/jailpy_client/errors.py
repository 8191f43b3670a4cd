"""One exception class per verdict status.

A caller branches on the class of the exception the way it would branch on
the verdict's ``status``. Every exception keeps the whole verdict as
``.verdict``, so nothing jailpy measured (``wall_ms``, ``limits``, what the
code printed) is lost on the way up.
"""

from typing import Any, Callable, Dict, List, NamedTuple, Optional

Verdict = Dict[str, Any]


class JailpyError(Exception):
    """Base class: the function did not return a value.

    ``verdict`` is the verdict as jailpy printed it, or ``None`` when there
    is none to keep (jailpy was not found, refused its command line, or
    printed something that is not a verdict).
    """

    #: The verdict status this class stands for.
    status = ""

    def __init__(self, message: str, verdict: Optional[Verdict] = None) -> None:
        super().__init__(message)
        self.verdict = verdict
        #: In a batch whose end was not clean: every call's result before it
        #: (see ``run_batch``); ``None`` otherwise.
        self.results: Optional[List[Any]] = None

    @property
    def stdout(self) -> str:
        """What the code printed on stdout before it failed (capped)."""
        return _text(self.verdict, "stdout")

    @property
    def stderr(self) -> str:
        """What the code printed on stderr before it failed (capped)."""
        return _text(self.verdict, "stderr")


class UserCodeError(JailpyError):
    """The code failed on its own: an exception, a SyntaxError, a missing
    function, a result JSON cannot carry, an exit without a result."""

    status = "error"

    def __init__(self, verdict: Verdict) -> None:
        err = _error(verdict)
        #: The exception's class name (``ZeroDivisionError``), or jailpy's
        #: name for the failure (``FunctionNotFound``, ``ResultError``).
        self.type: str = str(err.get("type") or "Error")
        #: The exception's message, as the code raised it.
        self.message: str = str(err.get("message") or "")
        #: The line of the upload it happened on, when jailpy knows it.
        self.line: Optional[int] = _int(err.get("line"))
        #: The traceback, trimmed by jailpy to the upload's own frames.
        self.traceback: Optional[str] = err.get("traceback")
        where = " (line %d)" % self.line if self.line is not None else ""
        super().__init__("%s: %s%s" % (self.type, self.message, where), verdict)


class Finding(NamedTuple):
    """One thing ``--policy`` refused, in words a web page can show."""

    rule: str
    message: str
    line: Optional[int]
    #: The column in characters, 1-based.
    col: Optional[int]


class PolicyRejected(JailpyError):
    """``--policy`` refused the source before any of it ran."""

    status = "policy"

    def __init__(self, verdict: Verdict) -> None:
        raw = verdict.get("findings") or [verdict.get("error") or {}]
        #: Every finding, in source order.
        self.findings: List[Finding] = [
            Finding(str(f.get("rule", "")), str(f.get("message", "")),
                    _int(f.get("line")), _int(f.get("col")))
            for f in raw if isinstance(f, dict)
        ]
        first = self.findings[0] if self.findings else Finding("", "rejected", None, None)
        super().__init__("line %s: %s" % (first.line, first.message), verdict)


class Timeout(JailpyError):
    """The wall-clock or CPU limit ended the run (or ``batch_timeout`` the
    batch)."""

    status = "timeout"

    def __init__(self, verdict: Verdict) -> None:
        #: ``wall``, ``cpu`` or ``batch``.
        self.limit: str = str(verdict.get("limit") or "")
        super().__init__("time limit exceeded (%s)" % (self.limit or "unknown"), verdict)


class MemoryLimit(JailpyError):
    """The memory limit ended the run (an OOM kill or a MemoryError)."""

    status = "memory"

    def __init__(self, verdict: Verdict) -> None:
        cap = _limit(verdict, "memory_bytes")
        super().__init__("memory limit exceeded" + (" (%d bytes)" % cap if cap else ""), verdict)


class OutputLimit(JailpyError):
    """stdout, stderr or the returned value went over its cap."""

    status = "output"

    def __init__(self, verdict: Verdict) -> None:
        #: ``stdout``, ``stderr`` or ``result``.
        self.stream: str = str(verdict.get("stream") or "")
        cap = _limit(verdict, "result_bytes" if self.stream == "result" else "output_bytes")
        super().__init__("%s over its cap%s" % (self.stream or "output", " of %d bytes" % cap if cap else ""),
                         verdict)


class Violation(JailpyError):
    """The code made a system call outside the jail's allow-list (a socket,
    a fork, a kill, ...): the jail was killed at that call."""

    status = "violation"

    def __init__(self, verdict: Verdict) -> None:
        #: The denied system call's name (``socket``, ``clone``, ...).
        self.syscall: str = str(verdict.get("syscall") or "")
        super().__init__("system call %s is not allowed" % (self.syscall or "?"), verdict)


class Crash(JailpyError):
    """The interpreter was killed by a signal (a segfault in native code)."""

    status = "crash"

    def __init__(self, verdict: Verdict) -> None:
        #: The signal's name, such as ``SIGSEGV``.
        self.signal: str = str(verdict.get("signal") or "")
        super().__init__("killed by %s" % (self.signal or "a signal"), verdict)


class JailError(JailpyError):
    """jailpy itself failed, or could not be run: nothing the code did can
    be trusted, and it is the host's problem, not the upload's.

    Raised for an ``internal`` verdict, a usage error (exit 2), a missing
    binary, output that is not a verdict, an exit code that does not match
    the verdict, and a jailpy that outlived its outer timeout (then killed).
    """

    status = "internal"

    def __init__(self, message: str, verdict: Optional[Verdict] = None,
                 exit_code: Optional[int] = None, jailpy_stderr: str = "") -> None:
        super().__init__(message, verdict)
        #: jailpy's exit code, when it exited (negative: killed by that signal).
        self.exit_code = exit_code
        #: What jailpy itself wrote on stderr (its diagnostics, not the code's).
        self.jailpy_stderr = jailpy_stderr


class NotRun(JailpyError):
    """A batch call that got no verdict because the batch stopped before it
    (``fail_fast``, ``batch_timeout``): the function was not called."""

    status = "not_run"

    def __init__(self, reason: str) -> None:
        #: jailpy's reason for stopping, such as
        #: ``--fail-fast: call 1 ended error``.
        self.reason = reason
        super().__init__("not run: the batch stopped: " + reason)


_BY_STATUS: Dict[str, Callable[[Verdict], JailpyError]] = {
    cls.status: cls
    for cls in (UserCodeError, PolicyRejected, Timeout, MemoryLimit, OutputLimit, Violation, Crash)
}

#: The exit code jailpy uses for each status; a mismatch means the verdict
#: and the process disagree, and neither can be trusted.
EXIT_CODES: Dict[str, int] = {
    "ok": 0, "error": 1, "policy": 1, "timeout": 3, "memory": 3, "output": 3,
    "violation": 4, "crash": 4, "internal": 125,
}


def from_verdict(verdict: Verdict) -> JailpyError:
    """The exception for a verdict that is not ``ok``."""
    status = verdict.get("status")
    cls = _BY_STATUS.get(str(status))
    if cls is not None:
        return cls(verdict)
    if status == "internal":
        msg = str(_error(verdict).get("message") or "no message")
        return JailError("jailpy failed: " + msg, verdict)
    return JailError("jailpy gave an unknown status %r" % (status,), verdict)


def _error(verdict: Verdict) -> Dict[str, Any]:
    err = verdict.get("error")
    return err if isinstance(err, dict) else {}


def _text(verdict: Optional[Verdict], key: str) -> str:
    value = verdict.get(key) if verdict else None
    return value if isinstance(value, str) else ""


def _int(value: Any) -> Optional[int]:
    # bool is an int to Python; it is never a line number.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _limit(verdict: Verdict, key: str) -> Optional[int]:
    limits = verdict.get("limits")
    return _int(limits.get(key)) if isinstance(limits, dict) else None
