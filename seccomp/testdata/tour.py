# A tour of the stdlib that ordinary user code relies on. Run under the
# seccomp filter by TestStdlibTour: every syscall it makes must be allowed
# outright, or the test names the one that was not.
import bz2
import collections
import concurrent.futures
import ctypes
import datetime
import decimal
import fcntl
import fractions
import functools
import hashlib
import itertools
import json
import locale
import logging
import lzma
import math
import mmap
import os
import pathlib
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zlib

assert math.isclose(math.sqrt(2) ** 2, 2.0)
assert statistics.median([3, 1, 2]) == 2
assert json.loads(json.dumps({"a": [1, 2.5, None]})) == {"a": [1, 2.5, None]}
assert re.fullmatch(r"(\w+)@(\w+)\.com", "ada@example.com").group(2) == "example"
rng = random.Random(42)
assert 0 <= rng.random() < 1
random.shuffle(list(range(10)))
assert datetime.date(2024, 2, 28) + datetime.timedelta(days=1) == datetime.date(2024, 2, 29)
datetime.datetime.now()
datetime.datetime.now(datetime.timezone.utc).isoformat()
time.localtime()
decimal.getcontext().prec = 50
assert str(decimal.Decimal(1) / decimal.Decimal(7))[:8] == "0.142857"
assert fractions.Fraction(1, 3) + fractions.Fraction(1, 6) == fractions.Fraction(1, 2)
assert collections.Counter("abracadabra").most_common(1) == [("a", 5)]
assert list(itertools.islice(itertools.count(), 3)) == [0, 1, 2]
assert functools.reduce(lambda a, b: a * b, range(1, 6)) == 120
functools.lru_cache(maxsize=None)(lambda n: n)(3)
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
hashlib.md5(b"abc").hexdigest()
hashlib.blake2b(b"abc").hexdigest()
assert zlib.decompress(zlib.compress(b"x" * 1000)) == b"x" * 1000
assert len(os.urandom(16)) == 16
uuid.uuid4()
assert lzma.decompress(lzma.compress(b"x")) == bz2.decompress(bz2.compress(b"x"))
assert ctypes.c_int(3).value == 3
locale.setlocale(locale.LC_ALL, "")
assert (os.cpu_count() or 1) >= 1
time.process_time()
resource.getrusage(resource.RUSAGE_SELF)
db = sqlite3.connect(":memory:")
db.execute("create table t (x)")
db.execute("insert into t values (42)")
assert db.execute("select x from t").fetchall() == [(42,)]
db.close()
with mmap.mmap(-1, 4096) as m:
    m.write(b"x")
logging.getLogger("tour").warning("logging works")

results = []
lock = threading.Lock()


def work(n):
    time.sleep(0.01)
    with lock:
        results.append(n * n)


threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(results) == [0, 1, 4, 9]
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    assert list(pool.map(abs, range(-3, 0))) == [3, 2, 1]
time.sleep(0.01)

path = "/tmp/jailpy-tour-%d.txt" % os.getpid()
with open(path, "w") as f:
    f.write("hello\n")
with open(path) as f:
    assert f.read() == "hello\n"
os.remove(path)
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "x.json")
    with open(p, "w") as f:
        json.dump([1, 2, 3], f)
    assert os.listdir(d) == ["x.json"]
    with open(p) as f:
        assert json.load(f) == [1, 2, 3]
    q = pathlib.Path(d, "y.txt")
    q.write_text("z")
    os.replace(q, pathlib.Path(d, "z.txt"))
    assert sorted(x.name for x in pathlib.Path(d).iterdir()) == ["x.json", "z.txt"]
    db = sqlite3.connect(os.path.join(d, "t.db"))
    db.execute("create table t (x)")
    db.execute("insert into t values (7)")
    db.commit()
    assert db.execute("select x from t").fetchall() == [(7,)]
    db.close()

# Flushes succeed without running (tmpfs has nothing to write back).
with tempfile.TemporaryFile(dir="/tmp") as f:
    f.write(b"x" * 4096)
    f.flush()
    os.fsync(f.fileno())
    os.fdatasync(f.fileno())
    with mmap.mmap(f.fileno(), 4096) as m:  # MAP_SHARED of a /tmp file
        m[0:1] = b"y"
        m.flush()
    f.seek(0)
    assert f.read(1) == b"y"
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fcntl.lockf(f, fcntl.LOCK_UN)
    fcntl.lockf(f, fcntl.LOCK_SH)
    fcntl.lockf(f, fcntl.LOCK_UN)
    fd = os.dup(f.fileno())
    assert not os.get_inheritable(fd)
    os.set_inheritable(fd, True)
    assert os.get_inheritable(fd)
    os.set_blocking(fd, False)
    assert not os.get_blocking(fd)
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    assert os.get_blocking(fd)
    os.close(fd)
os.sync()
with mmap.mmap(-1, 4096) as m:
    m.flush()
try:
    os.sysconf("SC_PHYS_PAGES")  # sysinfo is ENOSYS: glibc returns whatever
except OSError:
    pass

try:
    raise ValueError("boom")
except ValueError as e:
    assert str(e) == "boom"
try:
    1 / 0
except ZeroDivisionError:
    pass

big = bytearray(50 * 1024 * 1024)  # mmap'd by malloc
big.extend(b"y" * (20 * 1024 * 1024))  # realloc of an mmap'd block: mremap
del big
chunks = [bytes(1000) for _ in range(10000)]  # many small blocks: brk / arenas
del chunks
try:
    bytearray(1 << 50)
except MemoryError:
    pass

sys.setrecursionlimit(5000)


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


assert depth(3000) == 3000
try:
    depth(10**6)
except RecursionError:
    pass

print("to stderr", file=sys.stderr)
print("TOUR-OK")
