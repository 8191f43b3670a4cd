# jailpy's wrapper: pid 1 of the jail, run as `python -I -S -B -u -c <this>`.
#
# fd 3: the job: a line of JSON (func, filename), a line with the JSON
#       array of arguments, a line with the JSON object of keyword
#       arguments, then the user's source bytes.
# fd 4: the result: b"S" once the job is read and user code is about to
#       run, then one frame: b"<length>\n<json>".
# The parent trusts nothing here: it decides timeouts, memory, violations
# and crashes from its own measurements, and validates the frame. The "S"
# lets it tell a jail that failed before user code ran (internal) from user
# code that broke the protocol (error).
import os
import sys

_write = os.write  # kept: user code may replace os.write
_exit = os._exit
_MAX_TEXT = 4096
_MAX_TRACE = 16384


def _read_all(fd):
    chunks = []
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def _send(data):
    view = memoryview(data)
    while view:
        view = view[_write(4, view):]


def _clip(text, limit):
    return text if len(text) <= limit else text[:limit] + "... (truncated)"


def _text(obj):
    try:
        return str(obj)
    except BaseException:  # a user __str__ may raise anything
        return "<unprintable %s>" % type(obj).__name__


def _type_name(exc):
    t = type(exc)
    mod = getattr(t, "__module__", "builtins")
    name = getattr(t, "__qualname__", t.__name__)
    if mod in ("builtins", "__main__", _module_name):
        return name  # the user's own classes need no prefix
    return "%s.%s" % (mod, name)


_module_name = "jailpy_user"


def _pick_module_name(filename):
    """The user's module is named after the file unless that name would
    shadow a module the interpreter has or may import (sys.py, json.py)."""
    stem = filename[:-3] if filename.endswith(".py") else filename
    taken = sys.builtin_module_names + tuple(getattr(sys, "stdlib_module_names", ()))
    if stem.isidentifier() and stem not in taken and stem not in sys.modules:
        return stem
    return "jailpy_user"


def _error(exc, job, source):
    """The error frame for an exception, pointing at the user's lines."""
    filename = job["filename"]
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next  # drop the wrapper's own frames
    line = 0
    t = tb
    while t is not None:
        if t.tb_frame.f_code.co_filename == filename:
            line = t.tb_lineno
        t = t.tb_next
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno or 0
    try:
        import linecache
        import traceback

        lines = source.decode("utf-8", "replace").splitlines(True)
        linecache.cache[filename] = (len(source), None, lines, filename)
        trace = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        trace = ""
    return {
        "status": "error",
        "error": {
            "type": _type_name(exc),
            "message": _clip(_text(exc) or _type_name(exc), _MAX_TEXT),
            "traceback": _clip(trace, _MAX_TRACE),
            "line": line,
        },
    }


def _codec():
    """loads and dumps with json's default behaviour (strict, compact,
    NaN and infinities refused on output), built on the C accelerator
    alone: `import json` imports re and costs more start-up than the rest
    of the wrapper together."""
    try:
        from _json import encode_basestring_ascii, make_encoder, make_scanner
    except ImportError:  # an interpreter built without it
        import json

        return json.loads, lambda v: json.dumps(v, allow_nan=False, separators=(",", ":"))

    class Context:  # what make_scanner reads from a JSONDecoder
        strict = True
        object_hook = object_pairs_hook = None
        parse_float, parse_int = float, int
        parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__

    scan = make_scanner(Context())

    def loads(data):
        # The parent sends compact JSON, one value per line, no whitespace.
        text = data.decode("utf-8")
        try:
            value, end = scan(text, 0)
        except StopIteration:
            raise ValueError("expected a JSON value") from None
        if end != len(text):
            raise ValueError("extra data after the JSON value")
        return value

    def default(obj):
        raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)

    def dumps(value):
        # A new markers dict per call: an encoder that raised may leave
        # entries behind (circular-reference checks).
        encode = make_encoder({}, default, encode_basestring_ascii, None, ":", ",", False, False, False)
        return "".join(encode(value, 0))

    return loads, dumps


def _fail(type_name, message):
    return {"status": "error", "error": {"type": type_name, "message": message}}


def _encode(frame, dumps):
    try:
        return dumps(frame)
    except BaseException as exc:  # user code may have patched the json module
        return '{"status":"error","error":{"type":"JailpyError","message":%s}}' % (
            dumps("could not encode the error: " + _text(exc)),
        )


def _run(job, rest, loads, dumps):
    """Runs the user's module and function; returns the encoded frame.
    The arguments are parsed here, after the start marker: they are the
    host's data, and data too deep for the parser is the run's error, not
    jailpy's."""
    args_line, kwargs_line, source = rest
    args, kwargs = loads(args_line), loads(kwargs_line)
    filename = job["filename"]
    code = compile(source, filename, "exec", dont_inherit=True)
    module = type(sys)(_module_name)
    module.__file__ = filename
    sys.modules[_module_name] = module  # dataclasses, pickle and typing look here
    exec(code, module.__dict__)
    func = module.__dict__.get(job["func"])
    if func is None:
        msg = "%s defines no function %r" % (filename, job["func"])
        return _encode(_fail("FunctionNotFound", msg), dumps)
    if not callable(func):
        msg = "%r in %s is not callable" % (job["func"], filename)
        return _encode(_fail("FunctionNotFound", msg), dumps)
    value = func(*args, **kwargs)
    try:
        payload = dumps(value)
    except (TypeError, ValueError, RecursionError) as exc:
        msg = "the return value cannot be sent as JSON: " + _text(exc)
        return _encode(_fail("ResultError", msg), dumps)
    return '{"status":"ok","value":%s}' % payload


def main():
    global _module_name
    job_bytes = _read_all(3)
    os.close(3)
    loads, dumps = _codec()  # made before user code could patch anything
    head, args_line, kwargs_line, source = job_bytes.split(b"\n", 3)
    job = loads(head)
    _module_name = _pick_module_name(job["filename"])
    _send(b"S")
    try:
        text = _run(job, (args_line, kwargs_line, source), loads, dumps)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included
        text = _encode(_error(exc, job, source), dumps)
    body = text.encode("ascii", "backslashreplace")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    _send(b"%d\n" % len(body) + body)
    _exit(0)  # no atexit handlers, finalizers or lingering user threads


main()
