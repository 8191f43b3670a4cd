# jailpy's wrapper: pid 1 of the jail, run as `python -I -S -B -u -c <this>`.
#
# fd 3: the job: a line of JSON (func, filename, and for a batch the
#       source's length), then
#       - one call: a line with the JSON array of arguments, a line with
#         the JSON object of keyword arguments, then the user's source;
#       - a batch: a line with the keyword arguments, the source, then one
#         line per call with its JSON array of arguments, until EOF.
# fd 4: the result: b"S" once the job is read and user code is about to
#       run, then one frame: b"<length>\n<json>"; in a batch, one frame
#       per call: b"<seq> <wall us> <cpu us> <rss bytes> <length>\n" and
#       b"V<value json>" or b"J<frame json>" (with stdout and stderr).
# fd 5: a batch's frame buffer, shared with the parent (see _Frames).
# The parent trusts nothing here: it decides timeouts, memory, violations
# and crashes from its own measurements, and validates every frame. The
# "S" lets it tell a jail that failed before user code ran (internal) from
# user code that broke the protocol (error).
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

    encoder = []

    def dumps(value):
        if not encoder:
            encoder.append(make_encoder({}, default, encode_basestring_ascii, None, ":", ",", False, False, False))
        try:
            return "".join(encoder[0](value, 0))
        except BaseException:
            encoder.clear()  # its circular-reference marks may hold entries
            raise

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


def _load(job, source):
    """Compiles and runs the user's module; returns its function, or an
    error or policy frame when there is no such function or the policy
    refuses the source."""
    filename = job["filename"]
    policy = job.get("policy")
    if policy:
        findings = _policy_findings(source, filename, policy)
        if findings:
            return None, {"status": "policy", "findings": findings}
    code = compile(source, filename, "exec", dont_inherit=True)
    module = type(sys)(_module_name)
    module.__file__ = filename
    if policy:
        module.__dict__["__builtins__"] = _policy_builtins(policy)
    sys.modules[_module_name] = module  # dataclasses, pickle and typing look here
    exec(code, module.__dict__)
    func = module.__dict__.get(job["func"])
    if func is None:
        return None, _fail("FunctionNotFound", "%s defines no function %r" % (filename, job["func"]))
    if not callable(func):
        return None, _fail("FunctionNotFound", "%r in %s is not callable" % (job["func"], filename))
    return func, None


# The policy: a usability layer, checked with the interpreter's own parser
# before the source runs, and again at run time for imports and builtins.
# The OS jail is the boundary; this only says "not allowed" clearly first.

_MAX_FINDINGS = 50
# Dunders that name a value's own behaviour or metadata, not the
# interpreter's internals: a class defines and calls them honestly.
_HARMLESS_DUNDERS = set(
    "__init__ __new__ __post_init__ __name__ __qualname__ __doc__ __slots__ __all__ __file__ __version__"
    " __repr__ __str__ __format__ __hash__ __bool__ __len__ __iter__ __next__ __reversed__ __contains__"
    " __getitem__ __setitem__ __delitem__ __missing__ __enter__ __exit__ __call__ __index__ __int__ __float__"
    " __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __neg__ __pos__ __abs__ __invert__ __round__ __floor__ __ceil__".split()
    + ["__%s%s__" % (p, op) for p in ("", "r", "i") for op in
       ("add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow", "lshift", "rshift", "and", "or", "xor")]
)
# Attributes that reach frames, code and other objects' attributes by name.
_FRAME_ATTRS = {"f_globals", "f_locals", "f_builtins", "f_back", "f_code", "gi_frame", "gi_code", "cr_frame",
                "cr_code", "ag_frame", "ag_code", "tb_frame", "tb_next", "co_code", "func_globals", "mro",
                "attrgetter", "methodcaller", "Formatter", "get_field", "format_field", "format_map"}
_GETATTRS = ("getattr", "hasattr")
# Modules the interpreter imports from C while the upload's code runs.
_INTERPRETER_IMPORTS = {"_strptime", "time", "_pylong"}
# In a string, what could be code for eval: typing and functools evaluate
# annotation strings ("__import__('os')"), which the syntax check does not
# otherwise read.
_CODE_IN_STRING = None


def _policy_findings(source, filename, policy):
    """Every place the source breaks the policy, in source order."""
    import ast
    import builtins

    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []  # compile() reports it, as the user's SyntaxError
    name = policy["name"]
    imports = set(policy.get("imports") or ())
    forbidden = set(policy.get("forbidden") or ())
    allowed_builtins = policy.get("builtins")
    allowed = ", ".join(sorted(imports)) or "none"
    imports.add("__future__")  # compiler directives, always allowed
    nodes = set(policy["nodes"]) if policy.get("nodes") is not None else None
    dunder = policy.get("dunder")
    defined = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    defined |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))}
    defined |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs + n.posonlyargs}
    builtin_names = set(dir(builtins))
    lines = source.splitlines()
    direct = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    # Names an import binds to a module: their private attributes
    # (random._os, collections._sys) are how modules reach each other.
    modules = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    # Docstrings are never evaluated; the string check leaves them alone.
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found = []

    def column(line, offset):
        # ast counts UTF-8 bytes; a web app shows characters.
        if 0 < line <= len(lines):
            return len(lines[line - 1][:offset].decode("utf-8", "replace")) + 1
        return offset + 1

    def add(node, rule, message, offset=None):
        line = getattr(node, "lineno", 0)
        at = getattr(node, "col_offset", 0) if offset is None else offset
        found.append({"rule": rule, "message": message, "line": line, "col": column(line, at)})

    def is_dunder(text):
        return text.startswith("__") and text.endswith("__") and text not in _HARMLESS_DUNDERS

    def code_words(text):
        global _CODE_IN_STRING
        if "_" not in text and not (forbidden and any(f in text for f in forbidden)):
            return []
        if _CODE_IN_STRING is None:
            import re
            _CODE_IN_STRING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
        out = []
        for w in _CODE_IN_STRING.findall(text):
            if is_dunder(w) and w != "__main__" or w in _FRAME_ATTRS and "_" in w:
                out.append(w)
            elif w in forbidden and text[text.find(w) + len(w):].lstrip().startswith("("):
                out.append(w)  # eval(...), but not the word "eval" in prose
        return out

    for node in ast.walk(tree):
        kind = type(node).__name__
        if nodes is not None and kind not in nodes and hasattr(node, "lineno"):
            # Nodes without a place (withitem, ...) are parts of one that
            # has one, reported for itself.
            add(node, "syntax", "%s is not allowed by policy %s" % (kind, name))
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] not in imports:
                    add(node, "import", "import of `%s` is not allowed; allowed modules: %s" % (a.name, allowed))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".")[0] not in imports:
                add(node, "import", "import of `%s` is not allowed; allowed modules: %s" % ("." * node.level + module, allowed))
            elif dunder:
                # An alias would hide the name the checks below look for.
                for a in node.names:
                    if is_dunder(a.name) or a.name in _FRAME_ATTRS or a.name.startswith("_") and not a.name.startswith("__"):
                        add(node, "import", "importing `%s` from `%s` is not allowed (the interpreter's internals)" % (a.name, module))
        elif isinstance(node, ast.Attribute):
            if dunder and (is_dunder(node.attr) or node.attr in _FRAME_ATTRS):
                # Point at the attribute, not at the start of the chain.
                end = getattr(node, "end_col_offset", None)
                at = end - len(node.attr) if end is not None and node.end_lineno == node.lineno else None
                add(node, "attribute", "attribute `%s` is not allowed (the interpreter's internals)" % node.attr, at)
            elif (dunder and node.attr.startswith("_") and not (node.attr.startswith("__") and node.attr.endswith("__"))
                  and isinstance(node.value, ast.Name) and node.value.id in modules):
                end = getattr(node, "end_col_offset", None)
                at = end - len(node.attr) if end is not None and node.end_lineno == node.lineno else None
                add(node, "attribute", "attribute `%s` of module `%s` is private, not allowed" % (node.attr, node.value.id), at)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and dunder:
            # "{0.__class__}".format(x) reaches attributes as getattr does.
            if "{" in node.value and "__" in node.value and any("__" in part.split("}")[0] for part in node.value.split("{")[1:]):
                add(node, "format", "a format field that reaches a double-underscore attribute is not allowed")
            elif id(node) not in docstrings:
                words = code_words(node.value)
                if words:
                    add(node, "string", "a string naming `%s` is not allowed (strings can be evaluated as code, e.g. annotations)" % words[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and dunder and node.name in _FRAME_ATTRS:
            add(node, "name", "a function named `%s` is not allowed (it reaches attributes by name)" % node.name)
        elif isinstance(node, ast.Name):
            if node.id in _GETATTRS and dunder and id(node) not in direct:
                add(node, "getattr", "`%s` may only be called directly, with a literal name" % node.id)
            elif node.id in _FRAME_ATTRS and dunder:
                add(node, "name", "`%s` is not allowed (it reaches attributes by name)" % node.id)
            elif node.id in forbidden:
                add(node, "name", "`%s` is not allowed by policy %s" % (node.id, name))
            elif dunder and is_dunder(node.id):
                add(node, "name", "`%s` is not allowed (the interpreter's internals)" % node.id)
            elif (allowed_builtins is not None and isinstance(node.ctx, ast.Load) and node.id in builtin_names
                  and node.id not in allowed_builtins and node.id not in defined):
                add(node, "builtin", "builtin `%s` is not allowed by policy %s" % (node.id, name))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _GETATTRS:
            literal = len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
            if not literal:
                add(node, "getattr", "%s with a name that is not a literal string is not allowed" % node.func.id)
            elif dunder and (is_dunder(node.args[1].value) or node.args[1].value in _FRAME_ATTRS):
                add(node, "attribute", "attribute `%s` is not allowed (the interpreter's internals)" % node.args[1].value)
    found.sort(key=lambda f: (f["line"], f["col"]))
    return found[:_MAX_FINDINGS]


def _policy_builtins(policy):
    """The builtins the user's module runs with: its imports checked again,
    and only the builtins the policy allows."""
    import builtins

    real_import = builtins.__import__
    imports = set(policy.get("imports") or ()) | {"__future__"}
    names = policy.get("builtins")
    forbidden = set(policy.get("forbidden") or ())
    table = {k: v for k, v in builtins.__dict__.items() if (names is None or k in names) and k not in forbidden}

    views = {}
    module_type = type(builtins)
    modules = sys.modules

    def view(mod):
        """What the upload sees of an allowed module: its public names,
        and of the modules among them only its own submodules, so that
        random._os or statistics.sys is not a way to os and sys. A copy,
        made once: the upload's changes to it stay in it."""
        v = views.get(mod.__name__)
        if v is None:
            v = views[mod.__name__] = module_type(mod.__name__, mod.__doc__)
            for k, val in list(mod.__dict__.items()):
                keep = not k.startswith("_") or k in ("__all__", "__version__")
                if keep and not isinstance(val, module_type):
                    setattr(v, k, val)
            name = mod.__name__

            def late_submodule(attr):
                # A submodule imported after the view was made (typing
                # imports collections.abc): PEP 562 asks here.
                sub = modules.get(name + "." + attr)
                if sub is None:
                    raise AttributeError("module %r has no attribute %r" % (name, attr))
                return view(sub)

            v.__getattr__ = late_submodule
        prefix = mod.__name__ + "."
        for k, val in list(mod.__dict__.items()):
            # A submodule, by name or as sys.modules registers it (os.path
            # is posixpath).
            sub = isinstance(val, module_type) and (val.__name__ == prefix + k or modules.get(prefix + k) is val)
            if sub and k not in v.__dict__:
                setattr(v, k, view(val))
        return v

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if type(fromlist) is list and not level and name in _INTERPRETER_IMPORTS:
            # The interpreter importing for itself, from C (PyImport_Import
            # passes a list; import statements pass None or a tuple), under
            # the upload's frame: time.strptime's _strptime, astimezone's
            # time, 3.12's _pylong. Only those: an __import__ reached some
            # other way (an annotation string that typing evaluates) must
            # not pass as one.
            return real_import(name, globals, locals, fromlist, level)
        if level or name.split(".")[0] not in imports:
            raise ImportError("import of %s is not allowed by policy %s" % (name, policy["name"]))
        mod = real_import(name, globals, locals, fromlist, level)
        if name == "__future__" or not isinstance(mod, module_type):
            return mod
        # Submodules the import loaded appear on their parents' views.
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            parent = modules.get(".".join(parts[:i]))
            if parent is not None:
                view(parent)
        return view(mod)

    table["__import__"] = guarded_import
    table["__build_class__"] = builtins.__build_class__
    return table


def _call(func, args, kwargs, dumps):
    """Calls the function; returns the frame's text without its closing
    brace, so a batch can add fields."""
    value = func(*args, **kwargs)
    try:
        payload = dumps(value)
    except (TypeError, ValueError, RecursionError) as exc:
        msg = "the return value cannot be sent as JSON: " + _text(exc)
        return _encode(_fail("ResultError", msg), dumps)[:-1]
    return '{"status":"ok","value":' + payload


def _run(job, rest, loads, dumps):
    """Runs the user's module and function; returns the encoded frame.
    The arguments are parsed here, after the start marker: they are the
    host's data, and data too deep for the parser is the run's error, not
    jailpy's."""
    args_line, kwargs_line, source = rest
    args, kwargs = loads(args_line), loads(kwargs_line)
    func, failed = _load(job, source)
    if failed is not None:
        return _encode(failed, dumps)
    return _call(func, args, kwargs, dumps) + "}"


def _line(data):
    """The first line of data, reading more of the job as needed; returns
    the line and what follows it."""
    while b"\n" not in data:
        b = os.read(3, 1 << 16)
        if not b:
            raise EOFError("the job ended inside a line")
        data += b
    return data.split(b"\n", 1)


def main():
    global _module_name
    head, data = _line(b"")
    loads, dumps = _codec()  # made before user code could patch anything
    job = loads(head)
    _module_name = _pick_module_name(job["filename"])
    if job.get("batch"):
        _batch(job, data, loads, dumps)  # never returns
    job_bytes = data + _read_all(3)
    os.close(3)
    args_line, kwargs_line, source = job_bytes.split(b"\n", 2)
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


# A batch: the module is loaded once and its function called once per
# line. Frames collect in a buffer shared with the parent (fd 5) and go
# down the pipe in bursts, so a call costs no system call of its own; if
# the parent kills the jail (a call's timeout, say), it reads from the
# buffer the frames of the calls that finished but were not yet sent.

_FLUSH_AT = 64 << 10  # bytes of frames held before they are sent
_FLUSH_AFTER = 0.001  # seconds a frame may wait before a call starts


class _Frames:
    """The batch's frames, held in the shared buffer until sent. Its first
    8 bytes are the length held; the parent reads them after a kill."""

    def __init__(self, size):
        self.pos = 0
        self.sent_at = 0.0
        self.data = self.length = None
        try:
            import mmap

            view = memoryview(mmap.mmap(5, size))
            self.length, self.data = view[:8].cast("Q"), view[8:]
        except (ImportError, OSError, ValueError):
            pass  # no buffer: every frame is sent as it is made

    def add(self, frame):
        n = len(frame)
        if self.data is None or n > len(self.data):
            self.send()
            _send(frame)
            return
        if self.pos + n > len(self.data):
            self.send()
        self.data[self.pos : self.pos + n] = frame
        self.pos += n
        self.length[0] = self.pos
        if self.pos >= _FLUSH_AT:
            self.send()

    def send(self):
        if self.pos:
            _send(self.data[: self.pos])
            self.pos = self.length[0] = 0
        self.sent_at = _clock()


class _Capture:
    """sys.stdout or sys.stderr during one call of a batch: what it prints
    goes into the call's own frame, up to the cap."""

    encoding, errors = "utf-8", "replace"

    def __init__(self, fd, cap):
        self.fd, self.cap, self.parts, self.size, self.over = fd, cap, [], 0, False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        self.size += len(text)
        if self.size > self.cap:
            self.over = True
            raise OSError("jailpy: output over the limit of %d bytes" % self.cap)
        self.parts.append(text)
        return len(text)

    def write_bytes(self, data):  # os.write(1, ...)
        self.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def take(self):
        text, self.parts, self.size = "".join(self.parts), [], 0
        return text

    def flush(self):
        pass

    def fileno(self):
        return self.fd

    def writable(self):
        return True

    def isatty(self):
        return False


def _batch(job, data, loads, dumps):
    from time import perf_counter, process_time
    import resource

    global _clock
    _clock = perf_counter
    kwargs_line, data = _line(data)
    need = job["source_bytes"]
    while len(data) < need:
        b = os.read(3, max(need - len(data), 1 << 16))
        if not b:
            raise EOFError("the job ended inside the source")
        data += b
    source, data = data[:need], data[need:]
    frames = _Frames(job["shm_bytes"])
    out, err = _Capture(1, job["output_bytes"]), _Capture(2, job["output_bytes"])
    # What a call prints goes into its own frame: the pipes to the parent
    # carry no boundary between calls. What the module prints at import
    # is the first call's. Only native code writing to fds 1 and 2 still
    # reaches the pipes, and lands in a verdict near its call's.
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__ = out, err

    def write(fd, data):
        if fd == 1 or fd == 2:
            return (out if fd == 1 else err).write_bytes(data)
        return _write(fd, data)

    os.write = write
    _send(b"S")
    try:
        kwargs = loads(kwargs_line)
        func, failed = _load(job, source)
    except BaseException as exc:
        func, failed = None, _error(exc, job, source)
    result_cap = job["result_bytes"]
    buf, pos, scanned = bytearray(data), 0, 0
    seq, broken = 0, False
    rss, cpu_at, unread = resource.getrusage(0).ru_maxrss, process_time(), 0.0
    while not broken:
        nl = buf.find(b"\n", scanned)
        if nl < 0:
            frames.send()  # about to wait for the parent: it gets all so far
            del buf[:pos]
            pos, scanned = 0, len(buf)
            # Reads as large as what is held: a long line costs O(n), not
            # O(n^2), to gather.
            b = os.read(3, max(1 << 16, len(buf)))
            if not b:
                break
            buf += b
            continue
        line, pos = buf[pos:nl], nl + 1
        scanned = pos
        start = _clock()
        if frames.pos and start - frames.sent_at > _FLUSH_AFTER:
            frames.send()  # the parent times each call from its last burst
            start = _clock()
        report = payload = None
        if failed is not None:
            report = failed
        else:
            try:
                value = func(*loads(line), **kwargs)
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                report, broken = _error(exc, job, source), isinstance(exc, MemoryError)
            else:
                try:
                    payload = dumps(value)
                except BaseException as exc:
                    msg = "the return value cannot be sent as JSON: " + _text(exc)
                    report = _fail("ResultError", msg)
                else:
                    if result_cap and len(payload) > result_cap:
                        report = {"status": "output", "stream": "result"}
        wall = _clock() - start
        if wall < 0.0001:
            # The CPU clock is a system call: a call this short counts its
            # wall time, and the next reading takes that off.
            cpu, unread = wall, unread + wall
        else:
            cpu = process_time()
            cpu, cpu_at, unread = max(cpu - cpu_at - unread, 0.0), cpu, 0.0
        if wall > 0.001 or not seq & 1023:
            rss = resource.getrusage(0).ru_maxrss  # the peak only grows: sampled
        if out.over or err.over:
            report = {"status": "output", "stream": "stdout" if out.over else "stderr"}
            out.over = err.over = False
        if report is None and not out.parts and not err.parts:
            body = b"V" + payload.encode("ascii", "backslashreplace")
        else:
            printed, errors = out.take(), err.take()
            if report is None:
                text = '{"status":"ok","value":%s,"stdout":%s,"stderr":%s}' % (payload, dumps(printed), dumps(errors))
            else:
                report["stdout"], report["stderr"] = printed, errors
                text = _encode(report, dumps)
            body = b"J" + text.encode("ascii", "backslashreplace")
        head = b"%d %d %d %d %d\n" % (seq, wall * 1e6, cpu * 1e6, rss * 1024, len(body))
        frames.add(head + body)
        seq += 1
    frames.send()  # broken: after a MemoryError the parent starts a fresh jail
    _exit(0)


_clock = None


main()
