"""run_batch() and iter_batch() against the real binary."""

import pathlib
import tempfile
import threading
import time
import unittest
from typing import Iterator, List, Tuple

from _helpers import jailed, needs_jailpy, src

import jailpy_client
from jailpy_client import NotRun, PolicyRejected, Timeout, UserCodeError, Violation

SCORE = src("""
    import socket

    def score(values):
        if values == "loop":
            while True:
                pass
        if values == "socket":
            socket.socket()
        return sum(values) / len(values)
""")


@needs_jailpy
class Batch(unittest.TestCase):
    def test_ok_and_failing_calls_in_order(self) -> None:
        lists = [[1, 2], [], "loop", [3, 4], "socket", [5, 6]]
        results = jailpy_client.run_batch(SCORE, "score", [(v,) for v in lists], timeout=0.5, **jailed())
        self.assertEqual([r.index for r in results], list(range(6)))
        self.assertEqual([r.ok for r in results], [True, False, False, True, False, True])
        self.assertEqual([r.value for r in results], [1.5, None, None, 3.5, None, 5.5])
        self.assertIsInstance(results[1].error, UserCodeError)
        self.assertEqual(getattr(results[1].error, "line"), 9)
        self.assertIsInstance(results[2].error, Timeout)
        self.assertIsInstance(results[4].error, Violation)
        self.assertEqual(getattr(results[4].error, "syscall"), "socket")
        with self.assertRaises(UserCodeError):
            results[1].get()
        self.assertEqual(results[5].get(), 5.5)

    def test_source_string_and_path_agree(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".py") as f:
            f.write(SCORE)
            f.flush()
            by_path = jailpy_client.run_batch(pathlib.Path(f.name), "score", [([2, 4],)], **jailed())
        by_text = jailpy_client.run_batch(SCORE, "score", [([2, 4],)], **jailed())
        self.assertEqual([r.value for r in by_path], [r.value for r in by_text])

    def test_empty_batch(self) -> None:
        self.assertEqual(jailpy_client.run_batch(SCORE, "score", [], **jailed()), [])

    def test_policy_rejects_every_call(self) -> None:
        results = jailpy_client.run_batch(SCORE, "score", [([1],), ([2],)], policy="math", **jailed())
        self.assertTrue(all(isinstance(r.error, PolicyRejected) for r in results))
        finding = getattr(results[0].error, "findings")[0]
        self.assertEqual((finding.rule, finding.line), ("import", 1))

    def test_fail_fast_leaves_the_rest_not_run(self) -> None:
        results = jailpy_client.run_batch(SCORE, "score", [([1],), ([],), ([2],), ([3],)],
                                          fail_fast=True, **jailed())
        self.assertEqual([r.ok for r in results], [True, False, False, False])
        self.assertIsInstance(results[1].error, UserCodeError)
        for r in results[2:]:
            self.assertIsInstance(r.error, NotRun)
            self.assertIsNone(r.verdict)
            self.assertIn("--fail-fast", getattr(r.error, "reason"))

    def test_batch_timeout(self) -> None:
        results = jailpy_client.run_batch(SCORE, "score", [([1],), ("loop",), ([2],)],
                                          timeout=5, batch_timeout=0.5, **jailed())
        self.assertTrue(results[0].ok)
        self.assertEqual(getattr(results[1].error, "limit"), "batch")
        self.assertIsInstance(results[2].error, NotRun)

    def test_incident_after_the_last_call(self) -> None:
        # A thread outlives its call and makes a denied call while the jail
        # waits for more input: jailpy reports it on stderr and in its exit
        # code, and the client raises it, with the results before it.
        code = src("""
            import socket, threading, time

            def score(values):
                def later():
                    time.sleep(0.05)
                    socket.socket()
                threading.Thread(target=later).start()
                return len(values)
        """)

        def calls() -> Iterator[Tuple[List[int]]]:
            yield ([1, 2],)
            time.sleep(0.5)  # the input is still open when the thread strikes

        with self.assertRaises(Violation) as cm:
            jailpy_client.run_batch(code, "score", calls(), **jailed())
        self.assertEqual(cm.exception.syscall, "socket")
        self.assertIn("after the last call", str(cm.exception))
        self.assertEqual([r.value for r in cm.exception.results or []], [2])

    def test_results_stream(self) -> None:
        # The second call is not even produced until the first result is
        # in the caller's hands.
        first_seen = threading.Event()

        def calls() -> Iterator[Tuple[List[int]]]:
            yield ([1],)
            if not first_seen.wait(10):
                raise AssertionError("the first result never came")
            yield ([3],)

        values = []
        for r in jailpy_client.iter_batch(SCORE, "score", calls(), **jailed()):
            first_seen.set()
            values.append(r.get())
        self.assertEqual(values, [1.0, 3.0])

    def test_big_batch_does_not_deadlock(self) -> None:
        code = "def echo(s, n):\n    print(s[:1000])\n    return [s] * n\n"
        calls = [("x" * 50000, 2)] * 200 + [("y", 1)] * 5000
        start = time.monotonic()
        results = jailpy_client.run_batch(code, "echo", calls, **jailed())
        self.assertEqual(len(results), 5200)
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual(len(results[0].value[1]), 50000)
        self.assertEqual(results[-1].value, ["y"])
        self.assertLess(time.monotonic() - start, 30)

    def test_stopping_early_ends_the_jail(self) -> None:
        batch = jailpy_client.iter_batch(SCORE, "score", (([i],) for i in range(1, 10 ** 6)), **jailed())
        self.assertEqual(next(batch).value, 1.0)
        start = time.monotonic()
        batch.close()
        self.assertLess(time.monotonic() - start, 5)

    def test_argument_json_cannot_carry(self) -> None:
        with self.assertRaises(ValueError):
            jailpy_client.run_batch(SCORE, "score", [([1.0],), ([float("nan")],)], **jailed())
        with self.assertRaises(TypeError):
            jailpy_client.run_batch(SCORE, "score", [[1, 2], [{1, 2}]], **jailed())
        with self.assertRaisesRegex(TypeError, "positional arguments"):
            jailpy_client.run_batch(SCORE, "score", ["abc"], **jailed())


if __name__ == "__main__":
    unittest.main()
