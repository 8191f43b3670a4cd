"""run(): one call of one function in one jail."""

import json
import os
import subprocess
from typing import Any, Mapping, Optional, Sequence, Union

from . import _command
from ._command import Seconds, Size, SourceOrPath
from .errors import EXIT_CODES, JailError, Verdict, from_verdict

#: Seconds the subprocess gets beyond the jail's own timeout before the
#: client kills it: jailpy's start, its policy check and its teardown run
#: outside the jail's clock, and a loaded host is slow at all three.
DEFAULT_GRACE = 3.0


def run(source: SourceOrPath, func: str, *args: Any,
        kwargs: Optional[Mapping[str, Any]] = None,
        timeout: Seconds = 5.0,
        cpu_time: Optional[Seconds] = None,
        memory: Optional[Size] = None,
        pids: Optional[int] = None,
        output: Optional[Size] = None,
        result: Optional[Size] = None,
        tmp: Optional[Size] = None,
        policy: Optional[Union[str, "os.PathLike[str]"]] = None,
        python: Optional[str] = None,
        cgroup: Optional[str] = None,
        filename: Optional[str] = None,
        extra_args: Sequence[str] = (),
        binary: Optional[str] = None,
        grace: Seconds = DEFAULT_GRACE) -> Any:
    """Call ``func(*args, **kwargs)`` from ``source`` in a jail; return its value.

    ``source`` is the code as ``str`` (or UTF-8 ``bytes``), or a file as
    ``pathlib.Path`` (any ``os.PathLike``): the type decides, never the
    content, so an upload's text is never mistaken for a path. Text is
    handed to jailpy through a pipe, never a temporary file, and
    tracebacks call it ``filename`` (default ``upload.py``; a file's own
    name for a path).

    ``args`` must be JSON-encodable (they reach the jail as JSON, on
    jailpy's stdin); the value comes back as JSON decodes it (tuples become
    lists, dict keys strings). ``kwargs`` travel on jailpy's command line,
    which other users of the host can see in ``ps``: keep private data in
    ``args``.

    Limits are jailpy's flags: ``timeout`` and ``cpu_time`` in seconds,
    sizes (``memory``, ``output``, ``result``, ``tmp``) in bytes or as
    ``"128MiB"``; unset ones keep jailpy's defaults. ``policy`` is
    ``"none"``, ``"safe"``, ``"math"`` or a policy TOML file. ``extra_args``
    are appended as they are (``["--audit-log", "/var/log/jailpy.log"]``).

    Raises the ``JailpyError`` subclass for the verdict's status:
    ``UserCodeError``, ``PolicyRejected``, ``Timeout``, ``MemoryLimit``,
    ``OutputLimit``, ``Violation``, ``Crash``; and ``JailError`` when jailpy
    cannot be found or run, fails, or takes longer than ``timeout + grace``
    seconds (it is then killed, and its jail with it).
    """
    argv = [_command.find_binary(binary), "exec"] + _command.flags(
        func, timeout=timeout, cpu_time=cpu_time, memory=memory, pids=pids, output=output,
        result=result, tmp=tmp, policy=policy, python=python, cgroup=cgroup, kwargs=kwargs,
        extra_args=extra_args)
    stdin = _command.encode(list(args)).encode()
    src = _command.Source(source)
    proc = _command.start(argv + ["--args", "-"] + src.argv(filename), src)
    try:
        out, err = proc.communicate(stdin, timeout=float(timeout) + float(grace))
    except subprocess.TimeoutExpired:
        _command.kill(proc)
        try:
            out, err = proc.communicate(timeout=2)
        except subprocess.TimeoutExpired:  # something outside its group holds the pipes
            out, err = b"", b""
        raise JailError("jailpy gave no verdict within %gs (timeout + grace); killed it"
                        % (float(timeout) + float(grace)), exit_code=proc.returncode,
                        jailpy_stderr=err.decode("utf-8", "replace")) from None
    finally:
        if proc.poll() is None:  # an exception on the way (KeyboardInterrupt)
            _command.kill(proc)
            proc.wait()
        src.close()
    verdict = parse(out, err, proc.returncode)
    if verdict["status"] == "ok":
        return verdict.get("value")
    exc = from_verdict(verdict)
    if isinstance(exc, JailError):
        exc.exit_code, exc.jailpy_stderr = proc.returncode, err.decode("utf-8", "replace")
    raise exc


def parse(out: bytes, err: bytes, code: int) -> Verdict:
    """The verdict in one run's stdout, checked against its exit code.

    Anything but exactly one version-1 verdict whose status matches the
    exit code is a JailError: a caller must not act on a run whose report
    and process disagree.
    """
    stderr = err.decode("utf-8", "replace")

    def fail(what: str, verdict: Optional[Verdict] = None) -> JailError:
        msg = _command.last_message(stderr)
        return JailError("%s (%s)%s" % (what, _command.exit_text(code), ": " + msg if msg else ""),
                         verdict, exit_code=code, jailpy_stderr=stderr)

    if code == 2:
        raise fail("jailpy refused the call")
    lines = out.splitlines()
    if len(lines) != 1:
        raise fail("jailpy printed %d lines, not one verdict" % len(lines))
    try:
        verdict = json.loads(lines[0])
    except ValueError:
        raise fail("jailpy printed something that is not JSON") from None
    if not isinstance(verdict, dict) or verdict.get("version") != 1:
        raise fail("jailpy printed something that is not a version 1 verdict")
    expected = EXIT_CODES.get(str(verdict.get("status")))
    if expected is not None and expected != code:
        raise fail("verdict %r does not match the exit code" % verdict.get("status"), verdict)
    return verdict
