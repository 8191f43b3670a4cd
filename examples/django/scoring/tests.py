"""The page, through Django's test client, against the real jailpy binary.

The scoring tests skip, saying what is missing, when no jailpy binary is
found ($JAILPY, else jailpy on PATH); the upload-validation tests need none.
"""

import os
import secrets
import shutil
import tempfile
import unittest
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings

BINARY = os.environ.get("JAILPY") or shutil.which("jailpy")
needs_jailpy = unittest.skipUnless(
    BINARY and os.access(BINARY, os.X_OK),
    "needs the jailpy binary: set JAILPY=/path/to/jailpy or put jailpy on PATH")

# Short limits keep the suite fast: a jail run is ~20 ms, a timeout 0.5 s.
FAST = dict(settings.JAILPY_OPTIONS, timeout=0.5)


def post(test: SimpleTestCase, code: Any, name: str = "score.py") -> HttpResponse:
    data = code.encode() if isinstance(code, str) else code
    response: HttpResponse = test.client.post("/", {"code": SimpleUploadedFile(name, data)})
    return response


@needs_jailpy
@override_settings(JAILPY_OPTIONS=FAST)
class Scoring(SimpleTestCase):
    def test_form_and_lists(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, "score(values)")
        self.assertContains(response, "Daily visitors")

    def test_good_upload_shows_the_scores(self) -> None:
        code = "def score(values):\n    return round(max(values, default=0) - min(values, default=0), 2)\n"
        response = post(self, code)
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual([r["score"] for r in rows], [6.8, 12.5, 103, 0])
        self.assertContains(response, "<td>103</td>", html=True)
        self.assertNotIn("upload_error", response.context)

    def test_exception_shows_its_type_and_line(self) -> None:
        # The mean of no data: only the empty list fails, the others score.
        code = "import statistics\n\ndef score(values):\n    return statistics.mean(values) / len(values)\n"
        response = post(self, code)
        rows = response.context["rows"]
        self.assertEqual([r["error"] is None for r in rows], [True, True, True, False])
        self.assertEqual(rows[3]["error"]["line"], 4)
        self.assertContains(response, "StatisticsError: mean requires at least one data point (line 4)")

    def test_policy_rejection_names_the_import(self) -> None:
        code = "def score(values):\n    import subprocess\n    return subprocess.call(['id'])\n"
        response = post(self, code)
        error = response.context["upload_error"]
        self.assertEqual(error["kind"], "policy")
        self.assertEqual([(f.rule, f.line) for f in error["findings"]], [("import", 2)])
        self.assertContains(response, "line 2, column 5: import of `subprocess` is not allowed")

    def test_syntax_error_is_said_once(self) -> None:
        response = post(self, "def score(values)\n    return 1\n")
        self.assertEqual(response.context["upload_error"]["line"], 1)
        self.assertContains(response, "SyntaxError", count=1)

    def test_timeout(self) -> None:
        response = post(self, "def score(values):\n    while True:\n        pass\n")
        self.assertEqual(response.context["upload_error"]["kind"], "timeout")
        self.assertContains(response, "Stopped: it took longer than its time limit.")

    @override_settings(JAILPY_OPTIONS=dict(FAST, timeout=5, batch_timeout=0.5))
    def test_batch_timeout(self) -> None:
        # A slow upload holds the worker for batch_timeout at most: the
        # list it was on says so, the lists after it were not scored.
        code = "def score(values):\n    while values[0] == 0:\n        pass\n    return 1\n"
        response = post(self, code)  # the rainfall list (the second) starts with 0
        kinds = [r["error"]["kind"] if r["error"] else "ok" for r in response.context["rows"]]
        self.assertEqual(kinds, ["ok", "timeout", "not_run", "not_run"])
        self.assertContains(response, "Stopped: it took longer than the time for all the lists.")

    def test_not_a_number(self) -> None:
        response = post(self, "def score(values):\n    return 'high'\n")
        self.assertContains(response, "score() returned str, not a number")

    def test_escape_through_a_module_attribute_is_refused(self) -> None:
        # random._os is the os module: the policy refuses the private
        # attribute before anything runs.
        code = "import random\ndef score(values):\n    return random._os.system('cat /etc/passwd')\n"
        response = post(self, code)
        error = response.context["upload_error"]
        self.assertEqual(error["kind"], "policy")
        self.assertContains(response, "attribute `_os` of module `random` is private")
        self.assertNotContains(response, "root:")


@needs_jailpy
@override_settings(JAILPY_OPTIONS=dict(FAST, policy="none"))
class JailWithoutPolicy(SimpleTestCase):
    """With the policy off, the uploads below run: what stops them is the
    OS jail, the layer that holds whatever the checks miss."""

    def test_reading_a_host_file_finds_nothing(self) -> None:
        # Neither the host's secret nor its /etc/passwd reaches the page.
        token = secrets.token_hex(16)
        with tempfile.NamedTemporaryFile("w", prefix="jailpy-secret-") as f:
            f.write(token)
            f.flush()
            code = (
                "import os\n"
                "def score(values):\n"
                "    found = ''\n"
                "    for path in (%r, '/etc/passwd'):\n"
                "        fd = os.open(path, os.O_RDONLY)\n"
                "        found += os.read(fd, 4096).decode()\n"
                "    return found\n" % f.name)
            response = post(self, code)
        self.assertEqual(response.context["upload_error"]["text"],
                         "FileNotFoundError: [Errno 2] No such file or directory: %r" % f.name)
        self.assertNotContains(response, token)
        self.assertNotContains(response, "root:")

    def test_opening_a_socket_is_stopped(self) -> None:
        code = (
            "import socket\n"
            "def score(values):\n"
            "    socket.create_connection(('127.0.0.1', 22)).send(b'hello')\n"
            "    return 1\n")
        response = post(self, code)
        error = response.context["upload_error"]
        self.assertEqual(error["kind"], "violation")
        self.assertContains(response, "Stopped: it tried something a scoring function may not do "
                                      "(system call socket).")

    def test_running_a_command_is_stopped(self) -> None:
        code = "import os\ndef score(values):\n    return os.system('cat /etc/passwd')\n"
        response = post(self, code)
        self.assertEqual(response.context["upload_error"]["kind"], "violation")
        self.assertContains(response, "(system call clone)")
        self.assertNotContains(response, "root:")


class Uploads(SimpleTestCase):
    """Bad uploads are refused by the form: no jailpy needed, none run."""

    def assertRefused(self, response: HttpResponse, message: str, status: int = 400) -> None:
        self.assertEqual(response.status_code, status)
        self.assertContains(response, message, status_code=status)
        self.assertNotIn("rows", response.context)

    def test_too_big(self) -> None:
        limit = settings.SCORING_MAX_UPLOAD_BYTES
        code = "def score(values):\n    return 1\n"
        self.assertRefused(post(self, code + "#" * (limit - len(code) + 1)),
                           "The file is over the limit of %d bytes." % limit)

    def test_far_too_big_is_not_read(self) -> None:
        response = post(self, b"#" * (10 * settings.SCORING_MAX_UPLOAD_BYTES))
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "The upload is too large", status_code=413)

    def test_not_utf8(self) -> None:
        self.assertRefused(post(self, b"def score(values):\n    return 1  # caf\xe9\n"),
                           "The file is not UTF-8 text (byte 38).")

    def test_not_a_py_file(self) -> None:
        self.assertRefused(post(self, "def score(values):\n    return 1\n", name="score.txt"),
                           "Upload a Python file (.py), not score.txt.")

    def test_no_file(self) -> None:
        self.assertRefused(self.client.post("/", {}), "This field is required.")

    @override_settings(JAILPY_BINARY="/nonexistent/jailpy")
    def test_jailpy_missing_is_unavailable_not_a_crash(self) -> None:
        with self.assertLogs("scoring.views", "ERROR"):
            response = post(self, "def score(values):\n    return 1\n")
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "Scoring is unavailable", status_code=503)
        self.assertNotContains(response, "/nonexistent", status_code=503)
