"""What run() and run_batch() share: finding jailpy, turning keyword
arguments into its flags, and handing it the source."""

import json
import os
import re
import shutil
import signal
import subprocess
import threading
from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import JailError

#: Seconds given in Python (``timeout=0.5``); jailpy takes Go durations.
Seconds = Union[int, float]
#: Bytes as an int, or a jailpy size string such as ``"128MiB"``.
Size = Union[int, str]
#: Source text (``str`` or UTF-8 ``bytes``), or the path of a file.
SourceOrPath = Union[str, bytes, "os.PathLike[str]"]

# A str that is nothing but a file name is far more likely a path passed
# by mistake than a program (it would fail with a NameError at line 1).
_LOOKS_LIKE_PATH = re.compile(r"[\w./\\-]+\.py")


def find_binary(binary: Optional[str]) -> str:
    """jailpy's path: ``binary``, else ``$JAILPY``, else ``jailpy`` on PATH."""
    chosen = binary or os.environ.get("JAILPY") or shutil.which("jailpy")
    if not chosen:
        raise JailError("jailpy not found: pass binary=..., set JAILPY, or put jailpy on PATH")
    return chosen


def flags(func: str, *, timeout: Seconds, cpu_time: Optional[Seconds], memory: Optional[Size],
          pids: Optional[int], output: Optional[Size], result: Optional[Size], tmp: Optional[Size],
          policy: Optional[Union[str, "os.PathLike[str]"]], python: Optional[str], cgroup: Optional[str],
          kwargs: Optional[Mapping[str, Any]], extra_args: Sequence[str]) -> List[str]:
    """jailpy exec's flags for the keyword arguments of run()/run_batch().

    Only what was given is passed, so jailpy's own defaults (and a policy
    file's ``[limits]``) still apply to the rest. The timeout is always
    passed: the outer timeout is computed from it.
    """
    out = ["--func", func, "--timeout", duration(timeout, "timeout")]
    if cpu_time is not None:
        out += ["--cpu-time", duration(cpu_time, "cpu_time")]
    for name, value in (("memory", memory), ("output", output), ("result", result), ("tmp", tmp)):
        if value is not None:
            out += ["--" + name, str(value)]
    if pids is not None:
        out += ["--pids", str(pids)]
    if policy is not None:
        out += ["--policy", os.fspath(policy)]
    if python is not None:
        out += ["--python", python]
    if cgroup is not None:
        out += ["--cgroup", cgroup]
    if kwargs:
        # On the command line, so visible in ps to the host's other users:
        # keep private data in the positional arguments (sent on stdin).
        out += ["--kwargs", encode(dict(kwargs))]
    return out + list(extra_args)


def duration(seconds: Seconds, name: str) -> str:
    """Seconds as the whole milliseconds jailpy's timers work in."""
    ms = int(round(float(seconds) * 1000))
    if ms < 1:
        raise ValueError("%s must be at least 1 ms, got %r" % (name, seconds))
    return "%dms" % ms


def encode(value: Any) -> str:
    """Strict JSON, as jailpy requires: NaN and infinities are refused here,
    with Python's own error, rather than as a jailpy usage error."""
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


#: What tracebacks call source text handed over as a str or bytes.
DEFAULT_FILENAME = "upload.py"


class Source:
    """The FILE argument for a source or a path.

    A path is passed as it is. Source text never touches the disk: it is
    written into a pipe that jailpy opens as ``/dev/fd/N`` (jailpy reads
    FILE with an ordinary open(), and a pipe is one). The pipe is fed from
    a thread because jailpy reads the source before its stdin, and a
    source over the pipe's buffer would otherwise block the caller.
    """

    def __init__(self, source: SourceOrPath) -> None:
        self._data: Optional[bytes] = None
        self._read_fd: Optional[int] = None
        self._write_fd: Optional[int] = None
        self._thread: Optional[threading.Thread] = None
        if isinstance(source, os.PathLike):
            self.arg = os.fspath(source)
            return
        if isinstance(source, str):
            if _LOOKS_LIKE_PATH.fullmatch(source.strip()):
                raise ValueError("%r looks like a file name; a str is source code: pass "
                                 "pathlib.Path(%r) to run a file" % (source, source))
            data = source.encode("utf-8")
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        else:
            raise TypeError("source must be str or bytes (the code) or os.PathLike (a file), not %s"
                            % type(source).__name__)
        self._data = data
        self._read_fd, self._write_fd = os.pipe()  # both close-on-exec
        self.arg = "/dev/fd/%d" % self._read_fd

    def argv(self, filename: Optional[str]) -> List[str]:
        """FILE, after ``--filename`` when one is given or the source is on
        a pipe (whose own name, the descriptor's number, means nothing in
        a traceback)."""
        if filename is None and self._data is not None:
            filename = DEFAULT_FILENAME
        return (["--filename", filename] if filename is not None else []) + ["--", self.arg]

    @property
    def pass_fds(self) -> Tuple[int, ...]:
        """The descriptors the child must inherit."""
        return () if self._read_fd is None else (self._read_fd,)

    def started(self) -> None:
        """The child holds its copy of the read end: start feeding it."""
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        if self._write_fd is not None:
            fd, self._write_fd = self._write_fd, None
            self._thread = threading.Thread(target=_feed, args=(fd, self._data or b""),
                                            name="jailpy-source", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Release what is left (after the child exited, or failed to start)."""
        for fd in (self._read_fd, self._write_fd):
            if fd is not None:
                os.close(fd)
        self._read_fd = self._write_fd = None
        if self._thread is not None:
            self._thread.join()


def _feed(fd: int, data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass  # jailpy stopped reading (a usage error, the size cap): its exit says why
    finally:
        os.close(fd)


def start(argv: List[str], source: Source) -> "subprocess.Popen[bytes]":
    """Start jailpy with pipes on all three streams."""
    try:
        # A session of its own, so that kill() reaches whatever jailpy (or
        # a wrapper script standing in for it) started, and nothing left
        # holding its pipes can keep the caller waiting.
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, pass_fds=source.pass_fds,
                                start_new_session=True)
    except OSError as e:
        source.close()
        raise JailError("cannot start %s: %s" % (argv[0], e)) from e
    source.started()
    return proc


def kill(proc: "subprocess.Popen[bytes]") -> None:
    """SIGKILL jailpy and its process group (its jail dies with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass  # already gone, or the group is empty
    proc.kill()


def last_message(stderr: str) -> str:
    """jailpy's last diagnostic line, without its ``jailpy: `` prefix."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("jailpy: "):
            return line[len("jailpy: "):]
    return ""


def exit_text(code: int) -> str:
    """An exit code as words: ``exit 2`` or ``killed by signal 9``."""
    return "killed by signal %d" % -code if code < 0 else "exit %d" % code
