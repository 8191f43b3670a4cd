"""run_batch() and iter_batch(): many calls of one function, one jail.

jailpy's ``--batch`` reads one JSON array of arguments per line of stdin
and writes one verdict per line of stdout, both streamed. Three threads
keep the pipes moving so no batch size can deadlock: one feeds stdin, one
drains stderr, and the caller's own thread reads the verdicts.
"""

import json
import os
import re
import subprocess
import threading
import time
from typing import Any, Generator, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import _command
from ._command import Seconds, Size, SourceOrPath
from .errors import EXIT_CODES, JailError, JailpyError, NotRun, Verdict, from_verdict
from .run import DEFAULT_GRACE

# How jailpy reports, on stderr, a batch that did not end with its input.
_STOPPED = re.compile(r"batch stopped with \d+ verdicts given: (.*)")
_INCIDENT = re.compile(r"after its last call was answered, code it left running ended the jail: (.*)")
_DESCRIBED = re.compile(r"(\w+)(?: \(([^)]*)\))?(?:: (.*))?")
# The verdict field an incident's "(detail)" stands for, by status.
_DETAIL = {"timeout": "limit", "violation": "syscall", "crash": "signal", "output": "stream"}
_STDERR_TAIL = 64 << 10


class Result:
    """One call's outcome: a value (``ok``) or the exception it would raise.

    Per-call failures are values, not exceptions, so one bad list does not
    lose the others' results; ``get()`` raises when that is what you want.
    """

    __slots__ = ("index", "verdict", "error")

    def __init__(self, index: int, verdict: Optional[Verdict], error: Optional[JailpyError]) -> None:
        #: The call's place in the input, from 0.
        self.index = index
        #: The call's verdict; ``None`` for a call that did not run (NotRun).
        self.verdict = verdict
        #: ``None`` when the call returned, else the exception run() raises
        #: for such a verdict, or ``NotRun``.
        self.error = error

    @property
    def ok(self) -> bool:
        """The function returned a value."""
        return self.error is None

    @property
    def value(self) -> Any:
        """The returned value; ``None`` when the call failed (see ``ok``)."""
        return self.verdict.get("value") if self.error is None and self.verdict else None

    def get(self) -> Any:
        """The returned value, or raise the call's error."""
        if self.error is not None:
            raise self.error
        return self.value

    def __repr__(self) -> str:
        what = "value=%r" % (self.value,) if self.ok else "error=%r" % (self.error,)
        return "Result(index=%d, %s)" % (self.index, what)


def run_batch(source: SourceOrPath, func: str, arg_lists: Iterable[Sequence[Any]],
              **options: Any) -> List[Result]:
    """Every call's ``Result``, in input order: ``iter_batch`` as a list.

    When the batch's end is not clean (see ``iter_batch``), the exception
    carries the results before it as ``.results``.
    """
    results: List[Result] = []
    try:
        for r in iter_batch(source, func, arg_lists, **options):
            results.append(r)
    except JailpyError as e:
        e.results = results
        raise
    return results


def iter_batch(source: SourceOrPath, func: str, arg_lists: Iterable[Sequence[Any]], *,
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
               batch_timeout: Optional[Seconds] = None,
               fail_fast: bool = False,
               filename: Optional[str] = None,
               extra_args: Sequence[str] = (),
               binary: Optional[str] = None,
               grace: Seconds = DEFAULT_GRACE) -> Generator[Result, None, None]:
    """Call ``func(*args)`` for each ``args`` in ``arg_lists`` in one jail;
    yield a ``Result`` per call, in order, as soon as it is done.

    Each item of ``arg_lists`` is one call's positional arguments: to score
    lists, pass ``[(values,) for values in lists]``. It is consumed from a
    background thread, as jailpy asks for more. ``kwargs`` go with every
    call. ``timeout`` and ``cpu_time`` hold each call (the first one
    includes loading the module), ``memory``, ``pids`` and ``tmp`` the
    jail; the other options are run()'s. Calls share the module's state:
    never mix two uploads or two users in one batch. Being a generator,
    it starts jailpy when the first result is asked for.

    A call that fails is a Result whose ``error`` is what run() would raise
    (the jail goes on, in a fresh one after a kill). After
    ``fail_fast``'s first failure or ``batch_timeout``, the calls that got
    no verdict are yielded with a ``NotRun`` error. Raised, after the
    results before them:

    - the typed exception (``Violation``, ``Timeout``, ...) of code that a
      call left running and that ended the jail after the last call was
      answered: the values are what the code returned, but it misbehaved;
    - ``JailError``: jailpy failed or refused the batch, printed something
      that is not a verdict, or gave no verdict within ``timeout + grace``
      seconds while calls were waiting (it is then killed);
    - ``TypeError``/``ValueError`` for arguments JSON cannot carry.
    """
    argv = [_command.find_binary(binary), "exec", "--batch"] + _command.flags(
        func, timeout=timeout, cpu_time=cpu_time, memory=memory, pids=pids, output=output,
        result=result, tmp=tmp, policy=policy, python=python, cgroup=cgroup, kwargs=kwargs,
        extra_args=extra_args)
    if batch_timeout is not None:
        argv += ["--batch-timeout", _command.duration(batch_timeout, "batch_timeout")]
    if fail_fast:
        argv.append("--fail-fast")
    src = _command.Source(source)
    items = iter(arg_lists)
    proc = _command.start(argv + src.argv(filename), src)
    patience = float(timeout) + float(grace)
    watch = _Watch(proc, patience)
    feeder = _Feeder(proc, items, watch)
    drain = _Drain(proc)
    try:
        received, worst = 0, 0
        assert proc.stdout is not None
        while True:
            watch.waiting()
            line = proc.stdout.readline()
            watch.answered(bool(line))
            if not line:
                break
            verdict = _verdict(line, received, proc)
            worst = max(worst, EXIT_CODES[verdict["status"]])
            error = None if verdict["status"] == "ok" else from_verdict(verdict)
            received += 1
            yield Result(received - 1, verdict, error)
        try:
            proc.wait(timeout=float(grace))
        except subprocess.TimeoutExpired:
            _command.kill(proc)  # stdout closed but still running: its exit code says so
            proc.wait()
        feeder.join()
        drain.join()
        stderr, code = drain.text(), proc.returncode

        def fail(what: str) -> JailError:
            msg = _command.last_message(stderr)
            return JailError("%s (%s)%s" % (what, _command.exit_text(code), ": " + msg if msg else ""),
                             exit_code=code, jailpy_stderr=stderr)

        if feeder.error is not None:
            raise feeder.error
        if watch.expired:
            raise fail("jailpy gave no verdict within %gs (timeout + grace); killed it" % patience)
        if code == 2:
            raise fail("jailpy refused the batch")
        if code == EXIT_CODES["internal"]:
            raise fail("jailpy failed during the batch")
        msg = _command.last_message(stderr)
        stopped, incident = _STOPPED.fullmatch(msg), _INCIDENT.fullmatch(msg)
        if stopped:
            # The calls jailpy never answered, then those never sent.
            reason = stopped.group(1)
            pending = feeder.sent - received + (1 if feeder.held else 0)
            for _ in range(pending):
                yield Result(received, None, NotRun(reason))
                received += 1
            for _ in items:
                yield Result(received, None, NotRun(reason))
                received += 1
        elif received != feeder.sent:
            raise fail("jailpy answered %d of %d calls" % (received, feeder.sent))
        exc = _incident(incident.group(1)) if incident else None
        if exc is not None:
            worst = max(worst, EXIT_CODES.get(exc.status, 125))
        if code != worst:
            raise fail("the batch's exit code does not match its verdicts (expected %d)" % worst)
        if exc is not None:
            raise exc
    finally:
        if proc.poll() is None:  # the caller stopped iterating, or an error
            _command.kill(proc)
            proc.wait()
        watch.stop()
        feeder.join()
        drain.join()
        src.close()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _verdict(line: bytes, index: int, proc: Any) -> Verdict:
    """One line as the verdict of call ``index``; anything else ends the
    batch, since the verdicts after it could not be matched to calls."""
    try:
        verdict = json.loads(line)
    except ValueError:
        verdict = None
    if (not isinstance(verdict, dict) or verdict.get("version") != 1
            or verdict.get("index") != index or str(verdict.get("status")) not in EXIT_CODES):
        _command.kill(proc)
        raise JailError("jailpy printed something that is not verdict %d of the batch: %.200r"
                        % (index, line))
    return verdict


def _incident(described: str) -> JailpyError:
    """The exception for jailpy's words about a jail's end, e.g.
    ``violation (socket)``, as if it had been a verdict."""
    m = _DESCRIBED.fullmatch(described)
    status = m.group(1) if m else "internal"
    verdict: Verdict = {"version": 1, "status": status, "incident": described}
    if m and m.group(2) and status in _DETAIL:
        verdict[_DETAIL[status]] = m.group(2)
    if m and m.group(3):
        verdict["error"] = {"message": m.group(3)}
    exc = from_verdict(verdict)
    exc.args = ("after the last call was answered, code it left running ended the jail: "
                + str(exc),)
    return exc


class _Watch:
    """Kills jailpy when it owes a verdict and none came for ``patience``
    seconds: it owes one while calls are sent and unanswered, or its input
    has ended. The clock runs only while the caller waits for a verdict, so
    a caller slow to consume the results (jailpy's own clock then waits
    too) is never taken for a hung jail."""

    def __init__(self, proc: Any, patience: float) -> None:
        self._proc, self._patience = proc, patience
        self._lock = threading.Lock()
        self._since: Optional[float] = None  # when the wait for a verdict began
        self._waiting = False
        self._sent = self._answered = 0
        self._closed = False
        self._done = threading.Event()
        #: The watch killed jailpy.
        self.expired = False
        self._thread = threading.Thread(target=self._run, name="jailpy-watch", daemon=True)
        self._thread.start()

    def _owed(self) -> bool:
        return self._sent > self._answered or self._closed

    def waiting(self) -> None:
        with self._lock:
            self._waiting = True
            self._since = time.monotonic()

    def answered(self, got_line: bool) -> None:
        with self._lock:
            self._waiting, self._since = False, None
            self._answered += got_line

    def sent(self) -> None:
        with self._lock:
            if self._waiting and not self._owed():
                self._since = time.monotonic()  # jailpy owes nothing before this call
            self._sent += 1

    def closed(self) -> None:
        with self._lock:
            if self._waiting and not self._owed():
                self._since = time.monotonic()
            self._closed = True

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.05):
            with self._lock:
                late = (self._since is not None and self._owed()
                        and time.monotonic() - self._since > self._patience)
            if late:
                self.expired = True
                _command.kill(self._proc)
                return


class _Feeder(threading.Thread):
    """Writes each call's arguments as one JSON line into jailpy's stdin,
    then closes it: the end of the batch."""

    def __init__(self, proc: Any, items: Iterator[Sequence[Any]], watch: _Watch) -> None:
        super().__init__(name="jailpy-feed", daemon=True)
        self._stdin, self._items, self._watch = proc.stdin, items, watch
        #: Lines delivered to jailpy.
        self.sent = 0
        #: An item taken from the input but not delivered (jailpy had gone).
        self.held = False
        #: The caller's mistake (an argument JSON cannot carry, an input
        #: iterator that raised), raised again in the caller's thread.
        self.error: Optional[BaseException] = None
        self.start()

    def run(self) -> None:
        try:
            for args in self._items:
                if isinstance(args, (str, bytes, Mapping)):
                    raise TypeError("each item of arg_lists is one call's positional arguments "
                                    "(a list or tuple), not %s" % type(args).__name__)
                line = (_command.encode(list(args)) + "\n").encode()
                try:
                    self._stdin.write(line)
                    self._stdin.flush()
                except OSError:
                    self.held = True  # jailpy stopped reading: its exit says why
                    return
                self.sent += 1
                self._watch.sent()
        except Exception as e:
            self.error = e
        finally:
            try:
                self._stdin.close()
            except OSError:
                pass
            self._watch.closed()


class _Drain(threading.Thread):
    """Reads jailpy's stderr, keeping its tail: its diagnostics are the last
    lines, and an audit log on stderr must not fill memory or the pipe."""

    def __init__(self, proc: Any) -> None:
        super().__init__(name="jailpy-stderr", daemon=True)
        self._stderr = proc.stderr
        self._tail = bytearray()
        self.start()

    def run(self) -> None:
        while True:
            chunk = self._stderr.read1(1 << 16)
            if not chunk:
                return
            self._tail += chunk
            del self._tail[:-_STDERR_TAIL]

    def text(self) -> str:
        return self._tail.decode("utf-8", "replace")
