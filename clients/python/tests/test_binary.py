"""Finding jailpy, and the failures only a broken jailpy produces, played by
fake binaries: these need no real one, so they never skip."""

import os
import tempfile
import time
import unittest
from unittest import mock

from _helpers import OK_VERDICT, fake_binary

import jailpy_client
from jailpy_client import JailError

CODE = "def f():\n    return 7\n"


class FindBinary(unittest.TestCase):
    def test_not_found_anywhere(self) -> None:
        with tempfile.TemporaryDirectory() as empty, \
                mock.patch.dict(os.environ, {"PATH": empty}, clear=True):
            with self.assertRaisesRegex(JailError, "jailpy not found: pass binary=..., set JAILPY"):
                jailpy_client.run(CODE, "f")
            with self.assertRaisesRegex(JailError, "jailpy not found"):
                jailpy_client.run_batch(CODE, "f", [()])

    def test_binary_argument_that_does_not_exist(self) -> None:
        with self.assertRaisesRegex(JailError, "cannot start /nonexistent/jailpy"):
            jailpy_client.run(CODE, "f", binary="/nonexistent/jailpy")

    def test_env_then_path(self) -> None:
        fake = fake_binary(self, "echo '%s'" % OK_VERDICT)
        with mock.patch.dict(os.environ, {"JAILPY": fake, "PATH": "/nonexistent"}):
            self.assertEqual(jailpy_client.run(CODE, "f"), 7)
        env = dict(os.environ, PATH=os.path.dirname(fake))
        env.pop("JAILPY", None)
        with mock.patch.dict(os.environ, env, clear=True):
            self.assertEqual(jailpy_client.run(CODE, "f"), 7)

    def test_argument_beats_env(self) -> None:
        fake = fake_binary(self, "echo '%s'" % OK_VERDICT)
        with mock.patch.dict(os.environ, {"JAILPY": "/nonexistent/jailpy"}):
            self.assertEqual(jailpy_client.run(CODE, "f", binary=fake), 7)


class BrokenBinary(unittest.TestCase):
    def test_not_json(self) -> None:
        fake = fake_binary(self, "echo hello")
        with self.assertRaisesRegex(JailError, "not JSON") as cm:
            jailpy_client.run(CODE, "f", binary=fake)
        self.assertEqual(cm.exception.exit_code, 0)

    def test_nothing_printed(self) -> None:
        fake = fake_binary(self, "echo 'jailpy: something broke' >&2; exit 125")
        with self.assertRaisesRegex(JailError, "something broke") as cm:
            jailpy_client.run(CODE, "f", binary=fake)
        self.assertEqual(cm.exception.jailpy_stderr, "jailpy: something broke\n")

    def test_exit_code_that_contradicts_the_verdict(self) -> None:
        fake = fake_binary(self, "echo '%s'; exit 4" % OK_VERDICT)
        with self.assertRaisesRegex(JailError, "does not match the exit code"):
            jailpy_client.run(CODE, "f", binary=fake)

    def test_unknown_version(self) -> None:
        fake = fake_binary(self, """echo '{"version":2,"status":"ok","value":1}'""")
        with self.assertRaisesRegex(JailError, "version 1"):
            jailpy_client.run(CODE, "f", binary=fake)

    def test_hung_binary_is_killed(self) -> None:
        # "sleep 30" without exec: a child of the script holds the pipes,
        # and must be killed with it (found in review: the client waited
        # the 30 s out).
        fake = fake_binary(self, "sleep 30")
        start = time.monotonic()
        with self.assertRaisesRegex(JailError, "no verdict within 0.3s"):
            jailpy_client.run(CODE, "f", binary=fake, timeout=0.1, grace=0.2)
        self.assertLess(time.monotonic() - start, 5)

    def test_batch_line_that_is_not_a_verdict(self) -> None:
        fake = fake_binary(self, "cat >/dev/null; echo oops")
        with self.assertRaisesRegex(JailError, "not verdict 0"):
            jailpy_client.run_batch(CODE, "f", [(), ()], binary=fake)

    def test_batch_that_answers_too_few_calls(self) -> None:
        line = OK_VERDICT.replace('"version":1,', '"version":1,"index":0,')
        fake = fake_binary(self, "cat >/dev/null; echo '%s'" % line)
        with self.assertRaisesRegex(JailError, "answered 1 of 2 calls") as cm:
            jailpy_client.run_batch(CODE, "f", [(), ()], binary=fake)
        self.assertEqual([r.value for r in cm.exception.results or []], [7])

    def test_hung_batch_is_killed(self) -> None:
        fake = fake_binary(self, "sleep 30")
        start = time.monotonic()
        with self.assertRaisesRegex(JailError, "no verdict within"):
            jailpy_client.run_batch(CODE, "f", [()], binary=fake, timeout=0.1, grace=0.2)
        self.assertLess(time.monotonic() - start, 5)


if __name__ == "__main__":
    unittest.main()
