//go:build linux

package seccomp

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pendingPy starts a thread t whose raw call of syscall %[1]d waits in the
// filter, and waits until /proc shows it waiting there. The thread puts
// what the call returned in result, then waits forever: no exit of it
// gets in the tests' way.
const pendingPy = `
import ctypes, os, signal, threading, time
libc = ctypes.CDLL(None, use_errno=True)
result = []
def call():
    result.append((libc.syscall(%[1]d, 1, 1, 0), ctypes.get_errno()))
    threading.Event().wait()
t = threading.Thread(target=call, daemon=True)
t.start()
while True:
    with open("/proc/self/task/%%d/syscall" %% t.native_id) as f:
        if f.read().split()[0] == "%[1]d":
            break
`

// startPython runs python -c script under the Default filter and allows
// the init's execve, leaving the rest of the notifications to the test.
func startPython(t *testing.T, script string) *child {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("needs x86_64: /proc/PID/syscall is compared with x86_64 numbers")
	}
	python := interpreters[0].path
	requireFile(t, python)
	c := startChild(t, "exec", []string{python, "-I", "-S", "-B", "-u", "-c", script}, nil)
	ev, err := c.l.Next()
	if err != nil || ev.Name != "execve" {
		c.cmd.Process.Kill()
		t.Fatalf("first notification %+v (%v), want the init's execve", ev, err)
	}
	if err := c.l.Allow(ev); err != nil {
		t.Fatalf("allow execve: %v", err)
	}
	return c
}

// TestLostExitRace: a thread's denied call waits in the filter while the
// main thread ends the process. The call must be reported: as itself or,
// had the thread been killed first, as a Lost event; never not at all.
// The test reads nothing until the child has had time to end, which an
// exit_group allowed outright would do, withdrawing the socket call.
func TestLostExitRace(t *testing.T) {
	c := startPython(t, fmt.Sprintf(pendingPy, unix.SYS_SOCKET)+`
print("PENDING", flush=True)
os._exit(0)
`)
	if !c.stdout.waitFor("PENDING", 30*time.Second) {
		c.cmd.Process.Kill()
		t.Fatalf("the thread never waited in socket(); stderr: %s", c.stderr.String())
	}
	time.Sleep(100 * time.Millisecond)
	events, err := c.serve(denyAll)
	if len(events) == 0 {
		t.Fatalf("the pending socket() went unreported (child: %v)", err)
	}
	if ev := events[0]; ev.Name != "socket" && !ev.Lost {
		t.Errorf("first notification %+v, want socket or a Lost event", ev)
	}
	if err != nil {
		t.Errorf("child: %v; stderr: %s", err, c.stderr.String())
	}
}

// TestLostSignal: a signal withdraws a waiting call before the parent read
// it; the thread gets EINTR and the process goes on. The next notification
// read, at the latest the process's exit, shows the gap: a Lost event.
func TestLostSignal(t *testing.T) {
	c := startPython(t, fmt.Sprintf(pendingPy, unix.SYS_SOCKET)+`
signal.signal(signal.SIGUSR1, lambda *a: None)
signal.pthread_kill(t.ident, signal.SIGUSR1)
while not result:
    time.sleep(0.001)
print("WITHDRAWN", result, flush=True)
`)
	const want = "WITHDRAWN [(-1, 4)]" // EINTR
	if !c.stdout.waitFor(want, 30*time.Second) {
		c.cmd.Process.Kill()
		t.Fatalf("no %q; stdout: %s; stderr: %s", want, c.stdout.String(), c.stderr.String())
	}
	events, err := c.serve(denyAll)
	if len(events) != 1 || !events[0].Lost || events[0].Name != "unknown" {
		t.Errorf("notifications %+v, want one Lost event", events)
	}
	if err != nil {
		t.Errorf("child: %v; stderr: %s", err, c.stderr.String())
	}
}

// TestRecvWithdrawn: RECV after a withdrawn notification, while the
// process lives, finds the kernel's count stale: ENOENT, reported as
// errLost. Next calls recv only once poll saw a notification pending, so
// this is the case of a thread killed or signalled between the two.
func TestRecvWithdrawn(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	c := startPython(t, fmt.Sprintf(pendingPy, unix.SYS_SOCKET)+fmt.Sprintf(`
signal.signal(signal.SIGUSR1, lambda *a: None)
signal.pthread_kill(t.ident, signal.SIGUSR1)
while not result:
    time.sleep(0.001)
print("WITHDRAWN", flush=True)
while not os.path.exists(%q):
    time.sleep(0.001)
`, gate))
	if !c.stdout.waitFor("WITHDRAWN", 30*time.Second) {
		c.cmd.Process.Kill()
		t.Fatalf("no WITHDRAWN; stderr: %s", c.stderr.String())
	}
	n, err := c.l.recv()
	if err != errLost {
		t.Errorf("recv: %+v, %v; want errLost", n, err)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	events, err := c.serve(denyAll)
	for _, ev := range events {
		if !ev.Lost {
			t.Errorf("notification %q, want none but Lost ones", ev.Name)
		}
	}
	if err != nil {
		t.Errorf("child: %v; stderr: %s", err, c.stderr.String())
	}
}

// TestLostAnswers: a Lost event has no call behind it to answer.
func TestLostAnswers(t *testing.T) {
	var l Listener // never used: the answers come before any fd
	if err := l.Deny(lostEvent, unix.EPERM); err != nil {
		t.Errorf("Deny(Lost): %v, want nil", err)
	}
	if err := l.Allow(lostEvent); err == nil || !strings.Contains(err.Error(), "lost") {
		t.Errorf("Allow(Lost): %v, want an error", err)
	}
}

// TestLedger: ids read one by one are complete; a skipped id is a loss,
// unless a Lost event already stood for it.
func TestLedger(t *testing.T) {
	var g ledger
	steps := []struct {
		withdrawn int    // Lost events returned from ENOENT before this read
		id        uint64 // id read
		skipped   bool
	}{
		{0, 1 << 63, false},       // the first id is random: nothing to compare
		{0, 1<<63 + 1, false},     // the next one
		{0, 1<<63 + 3, true},      // one skipped
		{1, 1<<63 + 5, false},     // one skipped, already reported
		{1, 1<<63 + 8, true},      // two skipped, one reported
		{2, 1<<63 + 9, false},     // more reported than skipped: no news
		{0, ^uint64(0), true},     // far ahead
		{0, 0, false},             // the kernel's counter wraps, so does the ledger
		{0, ^uint64(0) - 5, true}, // going back is never normal
	}
	for i, s := range steps {
		for range s.withdrawn {
			g.withdrawn()
		}
		if got := g.read(s.id); got != s.skipped {
			t.Errorf("step %d: read(%#x) skipped = %v, want %v", i, s.id, got, s.skipped)
		}
	}
}

// TestCheckpointNumbers: the names the policy keeps unlisted are the
// numbers the Listener lets run.
func TestCheckpointNumbers(t *testing.T) {
	want := map[string]int32{"exit": unix.SYS_EXIT, "exit_group": unix.SYS_EXIT_GROUP}
	if len(checkpoints) != len(want) {
		t.Fatalf("checkpoints %q, want %d", checkpoints, len(want))
	}
	for _, name := range checkpoints {
		nr, err := resolve(name)
		if err != nil || int32(nr) != want[name] {
			t.Errorf("%s: number %d (%v), want %d", name, nr, err, want[name])
		}
		n := &seccompNotif{arch: nativeAuditArch, nr: int32(nr)}
		if !isCheckpoint(n) {
			t.Errorf("%s is not a checkpoint for the Listener", name)
		}
		if n.arch = unix.AUDIT_ARCH_I386; isCheckpoint(n) {
			t.Errorf("i386 call %d is a checkpoint", nr)
		}
		if n.arch, n.nr = nativeAuditArch, int32(nr)|x32Bit; isCheckpoint(n) {
			t.Errorf("x32 %s is a checkpoint", name)
		}
	}
}
