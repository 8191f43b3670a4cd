"""run() against the real binary: a value, and each status as its exception,
each produced by a real program."""

import pathlib
import tempfile
import time
import unittest

from _helpers import jailed, needs_jailpy, src

import jailpy_client
from jailpy_client import (Crash, JailError, MemoryLimit, OutputLimit, PolicyRejected, Timeout,
                           UserCodeError, Violation)

SCORE = src("""
    def score(values):
        return sum(values) / len(values)
""")


@needs_jailpy
class Values(unittest.TestCase):
    def test_source_string(self) -> None:
        self.assertEqual(jailpy_client.run(SCORE, "score", [1, 2, 3, 4], **jailed()), 2.5)

    def test_source_bytes(self) -> None:
        self.assertEqual(jailpy_client.run(SCORE.encode(), "score", [1, 2], **jailed()), 1.5)

    def test_path(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".py") as f:
            f.write(SCORE)
            f.flush()
            value = jailpy_client.run(pathlib.Path(f.name), "score", [2, 4], **jailed())
        self.assertEqual(value, 3.0)

    def test_str_that_is_a_file_name_is_refused(self) -> None:
        # A str is always source; a bare file name is almost surely a mistake.
        with self.assertRaisesRegex(ValueError, "pathlib.Path"):
            jailpy_client.run("user.py", "score", [1], **jailed())

    def test_args_kwargs_and_json_value(self) -> None:
        code = src("""
            def f(name, n, sep="-"):
                return {"z": sep.join([name] * n), "a": [n, None, True]}
        """)
        value = jailpy_client.run(code, "f", "ab", 3, kwargs={"sep": "+"}, **jailed())
        self.assertEqual(value, {"z": "ab+ab+ab", "a": [3, None, True]})
        self.assertEqual(list(value), ["z", "a"], "the function's key order is kept")

    def test_unicode_round_trip(self) -> None:
        code = "def f(s):\n    return s[::-1] + 'é'\n"
        self.assertEqual(jailpy_client.run(code, "f", "日本", **jailed()), "本日é")


@needs_jailpy
class Failures(unittest.TestCase):
    def test_exception_has_type_message_line_traceback(self) -> None:
        code = src("""
            def score(values):
                total = sum(values)
                return total / len(values)
        """)
        with self.assertRaises(UserCodeError) as cm:
            jailpy_client.run(code, "score", [], **jailed())
        e = cm.exception
        self.assertEqual((e.type, e.message, e.line), ("ZeroDivisionError", "division by zero", 3))
        self.assertIn("return total / len(values)", e.traceback or "")
        self.assertIn('File "upload.py", line 3', e.traceback or "")
        self.assertEqual(e.verdict["status"] if e.verdict else None, "error")

    def test_traceback_names_the_filename_given(self) -> None:
        with self.assertRaises(UserCodeError) as cm:
            jailpy_client.run("def f():\n    return 1 / 0\n", "f", filename="alice_score.py", **jailed())
        self.assertIn('File "alice_score.py", line 2', cm.exception.traceback or "")

    def test_syntax_error_line(self) -> None:
        with self.assertRaises(UserCodeError) as cm:
            jailpy_client.run("x = 1\ndef score(values:\n    pass\n", "score", [1], **jailed())
        self.assertEqual(cm.exception.type, "SyntaxError")
        self.assertEqual(cm.exception.line, 2)

    def test_missing_function(self) -> None:
        with self.assertRaises(UserCodeError) as cm:
            jailpy_client.run(SCORE, "mean", [1], **jailed())
        self.assertEqual(cm.exception.type, "FunctionNotFound")

    def test_what_the_code_printed_is_kept(self) -> None:
        with self.assertRaises(UserCodeError) as cm:
            jailpy_client.run("def f():\n    print('working')\n    raise KeyError('k')\n", "f", **jailed())
        self.assertEqual(cm.exception.stdout, "working\n")

    def test_policy_findings(self) -> None:
        code = src("""
            import os
            def score(values):
                return eval("1")
        """)
        with self.assertRaises(PolicyRejected) as cm:
            jailpy_client.run(code, "score", [1], policy="safe", **jailed())
        found = [(f.rule, f.line, f.col) for f in cm.exception.findings]
        self.assertEqual(len(found), 2, cm.exception.findings)
        self.assertEqual(found[0], ("import", 1, 1))
        self.assertEqual(found[1][1:], (3, 12))
        self.assertIn("`os`", cm.exception.findings[0].message)
        self.assertIn("eval", cm.exception.findings[1].message)

    def test_timeout(self) -> None:
        start = time.monotonic()
        with self.assertRaises(Timeout) as cm:
            jailpy_client.run("def f():\n    while True:\n        pass\n", "f", timeout=0.5, **jailed())
        self.assertIn(cm.exception.limit, ("wall", "cpu"))
        self.assertLess(time.monotonic() - start, 2.5)

    def test_sleep_is_a_wall_timeout(self) -> None:
        with self.assertRaises(Timeout) as cm:
            jailpy_client.run("import time\ndef f():\n    time.sleep(10)\n", "f", timeout=0.5, **jailed())
        self.assertEqual(cm.exception.limit, "wall")

    def test_memory(self) -> None:
        code = "def f():\n    hog = []\n    while True:\n        hog.append(bytearray(1 << 20))\n"
        with self.assertRaises(MemoryLimit):
            jailpy_client.run(code, "f", memory="32MiB", **jailed())

    def test_output_flood(self) -> None:
        with self.assertRaises(OutputLimit) as cm:
            jailpy_client.run("def f():\n    while True:\n        print('x' * 100)\n", "f",
                              output=4096, **jailed())
        self.assertEqual(cm.exception.stream, "stdout")
        self.assertLessEqual(len(cm.exception.stdout), 4096)

    def test_result_over_its_cap(self) -> None:
        with self.assertRaises(OutputLimit) as cm:
            jailpy_client.run("def f():\n    return 'x' * 100000\n", "f", result="64KiB", **jailed())
        self.assertEqual(cm.exception.stream, "result")

    def test_socket_is_a_violation(self) -> None:
        with self.assertRaises(Violation) as cm:
            jailpy_client.run("import socket\ndef f():\n    socket.socket()\n", "f", **jailed())
        self.assertEqual(cm.exception.syscall, "socket")

    def test_fork_is_a_violation(self) -> None:
        with self.assertRaises(Violation) as cm:
            jailpy_client.run("import os\ndef f():\n    return os.system('id')\n", "f", **jailed())
        self.assertEqual(cm.exception.syscall, "clone")

    def test_kill_is_a_violation(self) -> None:
        # kill(2) is outside the allow-list, even aimed at itself.
        with self.assertRaises(Violation) as cm:
            jailpy_client.run("import os\ndef f():\n    os.kill(os.getpid(), 11)\n", "f", **jailed())
        self.assertEqual(cm.exception.syscall, "kill")

    def test_segfault_is_a_crash(self) -> None:
        with self.assertRaises(Crash) as cm:
            jailpy_client.run("import ctypes\ndef f():\n    return ctypes.string_at(0)\n", "f", **jailed())
        self.assertEqual(cm.exception.signal, "SIGSEGV")

    def test_host_files_are_not_there(self) -> None:
        with tempfile.NamedTemporaryFile("w", prefix="jailpy-secret-") as f:
            f.write("TOPSECRET")
            f.flush()
            with self.assertRaises(UserCodeError) as cm:
                jailpy_client.run("def f(p):\n    return open(p).read()\n", "f", f.name, **jailed())
        self.assertEqual(cm.exception.type, "FileNotFoundError")

    def test_usage_error_is_a_jail_error(self) -> None:
        with self.assertRaises(JailError) as cm:
            jailpy_client.run(SCORE, "score", [1], pids=1, **jailed())
        self.assertEqual(cm.exception.exit_code, 2)
        self.assertIn("--pids", str(cm.exception))

    def test_every_error_is_a_jailpy_error(self) -> None:
        with self.assertRaises(jailpy_client.JailpyError):
            jailpy_client.run(SCORE, "score", [], **jailed())


if __name__ == "__main__":
    unittest.main()
