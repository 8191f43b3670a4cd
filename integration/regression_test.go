package integration

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jailpy/jailpy/jail"
)

// Regression tests for holes found in review; each attack once got
// through.

// Shared anonymous memory escapes RLIMIT_DATA: without a cgroup it was
// the way past --memory (1 GiB touched under a 256 MiB limit, verdict ok).
func TestSharedMemoryWithoutCgroup(t *testing.T) {
	src := `
import mmap
def main():
    m = mmap.mmap(-1, 512 << 20, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    for i in range(0, len(m), 4096):
        m[i] = 1
    return "touched 512 MiB"
`
	r := jailpy(t, run{src: src, flags: []string{"--memory", "64MiB", "--cgroup", "none"}})
	if r.Status != jail.StatusMemory && r.Status != jail.StatusError {
		t.Fatalf("want memory (or a MemoryError/OSError from RLIMIT_AS), got %s", r)
	}
	if r.Status == jail.StatusOK || r.Memory > 64<<20+512<<20 {
		t.Fatalf("memory not bounded: %s", r)
	}
}

// A frame forged on the result fd once put raw invalid UTF-8 and an
// infinite number into the verdict, which strict parsers reject.
func TestForgedFrameStaysStrictJSON(t *testing.T) {
	src := `
import os
def main():
    body = b'{"status":"ok","value":["\xff\xfe\xc0\x80", "\\ud800"]}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
`
	r := jailpy(t, run{src: src})
	if !utf8.ValidString(r.raw) {
		t.Fatalf("verdict is not UTF-8: %q", r.raw)
	}
	var v []string
	value(t, r, &v)
	if len(v) != 2 || !strings.Contains(v[0], "\uFFFD") || v[1] != "\uFFFD" {
		t.Fatalf("value %q", v)
	}
	src = "import os\ndef main():\n    body = b'{\"status\":\"ok\",\"value\":1e999999}'\n    os.write(4, b'%d\\n' % len(body) + body)\n    os._exit(0)\n"
	r = jailpy(t, run{src: src})
	expect(t, r, jail.StatusError)
}

func TestLoneSurrogateValue(t *testing.T) {
	r := jailpy(t, run{src: "def main():\n    return '\\ud800x'\n"})
	var v string
	value(t, r, &v)
	if v != "\uFFFDx" {
		t.Fatalf("value %q", v)
	}
}

// Output over the cap must never end ok, even when the whole write fits
// in an enlarged pipe before the process exits.
func TestOutputOverCapNeverOK(t *testing.T) {
	src := `
import fcntl, os
def main():
    try:
        fcntl.fcntl(1, 1031, 1 << 20)  # F_SETPIPE_SZ
    except OSError:
        pass
    os.write(1, b"x" * (900 << 10))
    return "ok"
`
	for i := 0; i < 5; i++ {
		r := jailpy(t, run{src: src})
		if r.Status == jail.StatusOK {
			t.Fatalf("run %d: over the output cap and ok: %d bytes kept", i, len(r.Stdout))
		}
	}
}

// Arguments nested past Python's recursion limit made jailpy report
// internal; they are the run's error.
func TestDeepArgumentsAreTheRunsError(t *testing.T) {
	deep := "[" + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "]"
	r := jailpy(t, run{src: "def main(x):\n    return 1\n", args: "-", stdin: deep})
	expect(t, r, jail.StatusError)
	if r.Error.Type != "RecursionError" {
		t.Fatalf("error %+v", r.Error)
	}
}

// A file named like a stdlib module replaced that module for the wrapper
// and for every import after it.
func TestFileNamedLikeStdlibModule(t *testing.T) {
	needJail(t)
	src := "import json, ctypes\ndef main():\n    return json.loads('[1]')\n"
	r := jailpyNamed(t, "sys.py", run{src: src})
	var v []int
	value(t, r, &v)
	if len(v) != 1 {
		t.Fatalf("value %v", v)
	}
}

// The value's key order is the function's.
func TestValueKeyOrderKept(t *testing.T) {
	r := jailpy(t, run{src: "def main():\n    return {'b': 1, 'a': 2, 'c': {'z': 0, 'y': 1}}\n"})
	expect(t, r, jail.StatusOK)
	if got := string(r.Value); got != `{"b":1,"a":2,"c":{"z":0,"y":1}}` {
		t.Fatalf("value %s", got)
	}
	var any map[string]any
	if err := json.Unmarshal(r.Value, &any); err != nil {
		t.Fatal(err)
	}
}

// A denied call from one thread while the main thread forges an ok frame
// and exits at once ended ok in most runs: the call was withdrawn before
// the parent read it. (The main thread waits a moment so the call is
// surely made; seccomp's own tests pin the withdrawn case exactly.)
func TestDeniedCallRacingExitIsReported(t *testing.T) {
	src := `
import ctypes, os, threading, time
def main():
    libc = ctypes.CDLL(None)
    ready = threading.Event()
    def attempt():
        ready.set()
        libc.socket(2, 1, 0)
    threading.Thread(target=attempt).start()
    ready.wait()
    time.sleep(0.005)
    body = b'{"status":"ok","value":"clean"}'
    os.write(4, b"%d\n" % len(body) + body)
    os._exit(0)
`
	for i := 0; i < 10; i++ {
		r := jailpy(t, run{src: src})
		if r.Status != jail.StatusViolation {
			t.Fatalf("run %d: %s", i, r)
		}
		if r.Syscall != "socket" && r.Syscall != "unknown" {
			t.Fatalf("run %d: syscall %q", i, r.Syscall)
		}
	}
}

// fsync of a read-only host file flushed the host's disk; it is answered
// without running, and sysinfo no longer shows the host.
func TestNoHostFlushesOrHostState(t *testing.T) {
	src := `
import ctypes, os
def main():
    fd = os.open(os.__file__, os.O_RDONLY)
    for _ in range(100):
        os.fsync(fd)
    buf = ctypes.create_string_buffer(128)
    return ctypes.CDLL(None, use_errno=True).sysinfo(buf)
`
	r := jailpy(t, run{src: src})
	var got int
	value(t, r, &got)
	if got != -1 {
		t.Fatalf("sysinfo returned %d, want -1 (ENOSYS)", got)
	}
}

// Threads ending while the function returns: the group exit kills a
// thread waiting at its own exit checkpoint, which once read as a lost
// denied call (violation "unknown", about 1 run in 150).
func TestThreadsEndingAtReturnStayOK(t *testing.T) {
	src := `
import ctypes, threading, time
libc = ctypes.CDLL(None)
def main(off):
    deadline = time.monotonic() + 0.01
    def worker(d):
        while time.monotonic() < deadline + d:
            pass
        libc.syscall(60, 0)  # SYS_exit: this thread only
    threads = [threading.Thread(target=worker, args=(off * 1e-6 * i,), daemon=True) for i in range(12)]
    for th in threads:
        th.start()
    while time.monotonic() < deadline:
        pass
    return 1
`
	for i := 0; i < 30; i++ {
		r := jailpy(t, run{src: src, args: "[20]", flags: []string{"--pids", "16"}})
		expect(t, r, jail.StatusOK)
	}
}

// The value is measured as the child wrote it: "<" once grew to \u003c
// and a value under --result came back as an output verdict.
func TestValueNotInflated(t *testing.T) {
	r := jailpy(t, run{src: "def main():\n    return '<' * 400000\n"})
	expect(t, r, jail.StatusOK)
	if len(r.Value) != 400002 {
		t.Fatalf("value is %d bytes, want 400002", len(r.Value))
	}
}

// A number no double holds is the function's result problem, not a
// protocol error.
func TestHugeIntIsAResultError(t *testing.T) {
	r := jailpy(t, run{src: "def main():\n    return 10 ** 400\n"})
	expect(t, r, jail.StatusError)
	if r.Error.Type != "ResultError" {
		t.Fatalf("error %+v", r.Error)
	}
}

// A timeout shorter than the jail's own set-up is still a timeout: it was
// reported as the init dying.
func TestTimeoutDuringSetUp(t *testing.T) {
	r := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1]]", flags: []string{"--timeout", "1ms"}})
	expect(t, r, jail.StatusTimeout)
	if r.Limit != "wall" {
		t.Fatalf("limit %q", r.Limit)
	}
}
