package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// Regression tests for the holes the review of batch mode found; each
// attack is the reviewer's, cut to its core.

// runBatchInput runs one jailpy exec --batch with input on stdin and
// decodes its verdicts, each of which must carry its index in order. A
// batch that does not end within deadline fails the test instead of
// hanging it.
func runBatchInput(t *testing.T, src, fn string, input []byte, deadline time.Duration, flags ...string) batchResult {
	t.Helper()
	needJail(t)
	file := filepath.Join(t.TempDir(), "upload.py")
	os.WriteFile(file, []byte(src), 0o644)
	args := append([]string{"exec", "--batch", "--python", python, "--func", fn}, flags...)
	cmd := exec.Command(binary, append(args, file)...)
	cmd.Stdin = bytes.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(deadline, func() { cmd.Process.Kill() })
	cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("the batch did not end within %v; stderr %s", deadline, errb.String())
	}
	res := batchResult{code: cmd.ProcessState.ExitCode(), stderr: errb.String()}
	dec := json.NewDecoder(&out)
	for dec.More() {
		var v jail.Result
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("a verdict is not JSON (%v): %s", err, out.String())
		}
		res.verdicts = append(res.verdicts, v)
	}
	for i, v := range res.verdicts {
		if v.Index == nil || *v.Index != i || v.Version != jail.Version {
			t.Fatalf("verdict %d has index %v, version %d", i, v.Index, v.Version)
		}
	}
	return res
}

// A call that writes its own "ok" frame into the shared buffer and then
// times out: the frame cannot be believed, the timeout stands.
func TestBatchRegressionForgedBufferFrame(t *testing.T) {
	src := `import mmap, time
def f(i):
    m = mmap.mmap(5, 1 << 20)
    fr = b"%d 0 0 0 2\nV1" % i
    m[8:8 + len(fr)] = fr
    memoryview(m)[:8].cast("Q")[0] = len(fr)
    time.sleep(60)
`
	b := runBatchInput(t, src, "f", []byte("[0]\n"), 30*time.Second, "--timeout", "1s")
	if len(b.verdicts) != 1 || b.verdicts[0].Status != jail.StatusTimeout || b.code != 3 {
		t.Fatalf("want one timeout, exit 3: %+v, exit %d", b.verdicts, b.code)
	}
}

// A call that answers itself on fd 4 and then never returns, or makes a
// denied call: jailpy still ends, and the caller still hears of it (the
// next call's verdict, or after the last call stderr and the exit code).
func TestBatchRegressionSelfAnsweredThenMisbehaves(t *testing.T) {
	hang := "import os, time\ndef f(i):\n    os.write(4, b\"0 0 0 0 2\\nV7\")\n    time.sleep(100000)\n"
	b := runBatchInput(t, hang, "f", []byte("[1]\n"), 30*time.Second, "--timeout", "1s")
	if b.code != 3 || !strings.Contains(b.stderr, "timeout") {
		t.Errorf("hang after a self-made answer: exit %d, stderr %q", b.code, b.stderr)
	}
	viol := "import os, ctypes\ndef f(i):\n    os.write(4, b\"%d 0 0 0 2\\nV1\" % i)\n    return ctypes.CDLL(None).socket(2, 1, 0)\n"
	b = runBatchInput(t, viol, "f", []byte("[0]\n"), 30*time.Second)
	if b.code != 4 || !strings.Contains(b.stderr, "socket") {
		t.Errorf("violation after a self-made answer, last call: exit %d, stderr %q", b.code, b.stderr)
	}
	b = runBatchInput(t, viol, "f", []byte("[0]\n[1]\n"), 30*time.Second)
	if len(b.verdicts) != 2 || b.verdicts[1].Status != jail.StatusViolation || b.verdicts[1].Syscall != "socket" {
		t.Errorf("violation after a self-made answer, more calls: %+v", b.verdicts)
	}
}

// A thread left running by call 0 makes a denied call while the jail
// waits for the caller's next line: that next call gets the violation (it
// never runs). After the last call the wrapper exits at once, threads and
// all; the case where it cannot is TestBatchRegressionSelfAnsweredThenMisbehaves.
func TestBatchRegressionLingeringThread(t *testing.T) {
	needJail(t)
	src := `import threading, time, ctypes
def late():
    time.sleep(0.3)
    ctypes.CDLL(None).socket(2, 1, 0)
def f(i):
    if i == 0:
        threading.Thread(target=late).start()
    return i
`
	file := filepath.Join(t.TempDir(), "thread.py")
	os.WriteFile(file, []byte(src), 0o644)
	cmd := exec.Command(binary, "exec", "--batch", "--python", python, "--func", "f", file)
	in, _ := cmd.StdinPipe()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.Write([]byte("[0]\n"))
	time.Sleep(time.Second) // the thread's call is made meanwhile
	in.Write([]byte("[1]\n"))
	in.Close()
	cmd.Wait()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var v0, v1 jail.Result
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &v0) != nil || json.Unmarshal([]byte(lines[1]), &v1) != nil {
		t.Fatalf("want two verdicts: %s; stderr %s", out.String(), errb.String())
	}
	if v0.Status != jail.StatusOK || v1.Status != jail.StatusViolation || v1.Syscall != "socket" || cmd.ProcessState.ExitCode() != 4 {
		t.Errorf("want ok, then the thread's violation: %s / %s %s, exit %d", v0.Status, v1.Status, v1.Syscall, cmd.ProcessState.ExitCode())
	}
}

// Frames that answer nothing (stale sequence numbers) must not restart
// the running call's CPU account.
func TestBatchRegressionStaleFramesKeepCPUAccount(t *testing.T) {
	src := `import os, time
def f(i):
    if i == 0:
        return 0
    t = last = time.process_time()
    while time.process_time() - t < 2.5:
        if time.process_time() - last > 0.1:
            last = time.process_time()
            os.write(4, b"0 0 0 0 2\nV0")
    return "burned"
`
	b := runBatchInput(t, src, "f", []byte("[0]\n[1]\n"), 30*time.Second, "--timeout", "10s", "--cpu-time", "1s")
	if len(b.verdicts) != 2 || b.verdicts[1].Status != jail.StatusTimeout || b.verdicts[1].Limit != "cpu" {
		t.Fatalf("want call 1 timed out for CPU: %+v", b.verdicts)
	}
}

// Honest batches that the first version failed: CPU adding up over many
// calls (RLIMIT_CPU is per jail), a caller slow to read its verdicts, a
// long argument line, a result far over --result.
func TestBatchRegressionHonestBatches(t *testing.T) {
	spin := "import time\ndef f(i):\n    t = time.process_time()\n    while time.process_time() - t < 0.05:\n        pass\n    return i\n"
	b := runBatchInput(t, spin, "f", numberedCalls(60), 60*time.Second, "--cpu-time", "1s")
	if n := countStatus(b, jail.StatusOK); n != 60 || b.code != 0 {
		t.Errorf("60 calls of 50 ms CPU under --cpu-time 1s: %d ok, exit %d", n, b.code)
	}

	// A slow reader: the pipe fills, jailpy waits on it, the calls' clocks
	// must not run out meanwhile.
	t.Run("slow reader", func(t *testing.T) {
		needJail(t)
		file := filepath.Join(t.TempDir(), "ok.py")
		os.WriteFile(file, []byte("def f(x):\n    return x\n"), 0o644)
		cmd := exec.Command("sh", "-c", fmt.Sprintf("%s exec --batch --python %s --func f --timeout 1s %s | (sleep 3; cat)", binary, python, file))
		cmd.Stdin = bytes.NewReader(numberedCalls(3000))
		out, err := cmd.Output()
		if err != nil || bytes.Count(out, []byte(`"status":"ok"`)) != 3000 {
			t.Errorf("3000 calls behind a slow reader: %v, %d ok", err, bytes.Count(out, []byte(`"status":"ok"`)))
		}
	})

	long := append(append([]byte(`["`), bytes.Repeat([]byte("a"), 20<<20)...), []byte("\"]\n")...)
	b = runBatchInput(t, "def f(s):\n    return len(s)\n", "f", long, 60*time.Second, "--cpu-time", "1s")
	if len(b.verdicts) != 1 || string(b.verdicts[0].Value) != fmt.Sprint(20<<20) {
		t.Errorf("a 20 MiB argument line: %+v", b.verdicts)
	}

	b = runBatchInput(t, "def f(n):\n    return 'y' * n\n", "f", []byte("[2000000]\n[3]\n"), 30*time.Second)
	if len(b.verdicts) != 2 || b.verdicts[0].Status != jail.StatusOutput || b.verdicts[0].Stream != "result" || b.verdicts[1].Status != jail.StatusOK {
		t.Errorf("a result far over --result: %+v", b.verdicts)
	}
}

// Garbage on the result channel is the call's ProtocolError, not a crash.
func TestBatchRegressionProtocolError(t *testing.T) {
	src := "import os\ndef f(i):\n    os.write(4, b\"garbage\\n\")\n    return i\n"
	b := runBatchInput(t, src, "f", []byte("[0]\n[1]\n"), 30*time.Second)
	for _, v := range b.verdicts {
		if v.Status != jail.StatusError || v.Error.Type != "ProtocolError" {
			t.Errorf("want ProtocolError: %s %+v", v.Status, v.Error)
		}
	}
	if len(b.verdicts) != 2 {
		t.Errorf("%d verdicts", len(b.verdicts))
	}
}

// A caller that closes stdout early: jailpy says so, exits 125 and
// leaves no cgroup (it was killed by SIGPIPE before).
func TestBatchRegressionStdoutClosed(t *testing.T) {
	needJail(t)
	file := filepath.Join(t.TempDir(), "slow.py")
	os.WriteFile(file, []byte("import time\ndef f(i):\n    time.sleep(0.02)\n    return i\n"), 0o644)
	in := bytes.NewBuffer(numberedCalls(200))
	cmd := exec.Command(binary, "exec", "--batch", "--python", python, "--func", "f", file)
	cmd.Stdin = in
	out, _ := cmd.StdoutPipe()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	out.Read(buf)
	out.Close()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != jail.ExitInternal || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if left := runCgroups(t); len(left) != 0 {
		t.Errorf("cgroups left behind: %v", left)
	}
}

func countStatus(b batchResult, st jail.Status) int {
	n := 0
	for _, v := range b.verdicts {
		if v.Status == st {
			n++
		}
	}
	return n
}

// From the second review.

// A broken frame (a restart) racing a denied call must not hide it: the
// caller reads slowly, so the frame is read after the kill.
func TestBatchRegressionRestartFrameHidesNothing(t *testing.T) {
	needJail(t)
	src := `import os, sys, ctypes
def f(i):
    if i != 300:
        return i
    sys._getframe(1).f_locals['frames'].send()  # the earlier frames go first
    os.write(4, b"%d 0 0 0 2\nVx" % i)        # this call's frame, broken: a restart
    return ctypes.CDLL(None).socket(2, 1, 0)   # denied
`
	file := filepath.Join(t.TempDir(), "hide.py")
	os.WriteFile(file, []byte(src), 0o644)
	in := bytes.NewBuffer(numberedCalls(400))
	cmd := exec.Command("sh", "-c", fmt.Sprintf("%s exec --batch --python %s --func f %s | (sleep 1; cat)", binary, python, file))
	cmd.Stdin = in
	out, _ := cmd.Output()
	if !bytes.Contains(out, []byte(`"syscall":"socket"`)) {
		t.Fatalf("the denied call was never reported:\n%s", grepNotOK(out))
	}
}

// A caller slow to read must not make honest calls time out, for wall
// time or for CPU: their frames wait in the pipe, not in the jail.
func TestBatchRegressionSlowReaderKeepsClocks(t *testing.T) {
	needJail(t)
	for name, src := range map[string]string{
		"wall": "import time\ndef f(i):\n    time.sleep(0.01)\n    return 'y' * 3000\n",
		"cpu":  "import time\ndef f(i):\n    t = time.process_time()\n    while time.process_time() - t < 0.02:\n        pass\n    return 'y' * 3000\n",
	} {
		file := filepath.Join(t.TempDir(), name+".py")
		os.WriteFile(file, []byte(src), 0o644)
		in := bytes.NewBuffer(numberedCalls(200))
		cmd := exec.Command("sh", "-c", fmt.Sprintf("%s exec --batch --python %s --func f --timeout 200ms --cpu-time 200ms %s | (sleep 2; cat)", binary, python, file))
		cmd.Stdin = in
		out, _ := cmd.Output()
		if n := bytes.Count(out, []byte(`"status":"ok"`)); n != 200 {
			t.Errorf("%s: %d of 200 ok behind a slow reader:\n%s", name, n, grepNotOK(out))
		}
	}
}

// --batch-timeout and SIGTERM end a batch whose caller keeps stdin open
// and idle, at once, with a non-zero exit.
func TestBatchRegressionStopsWhileIdle(t *testing.T) {
	needJail(t)
	file := filepath.Join(t.TempDir(), "ok.py")
	os.WriteFile(file, []byte("def f(x):\n    return x\n"), 0o644)
	for _, c := range []struct {
		name  string
		flags []string
		term  bool
		code  int
	}{
		{"batch-timeout", []string{"--batch-timeout", "1s"}, false, 3},
		{"SIGTERM", nil, true, jail.ExitInternal},
	} {
		args := append([]string{"exec", "--batch", "--python", python, "--func", "f"}, c.flags...)
		cmd := exec.Command(binary, append(args, file)...)
		in, _ := cmd.StdinPipe()
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		in.Write([]byte("[0]\n")) // and then nothing, with stdin open
		if c.term {
			time.Sleep(500 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGTERM)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%s: jailpy still waits on an idle stdin", c.name)
		}
		in.Close()
		if got := cmd.ProcessState.ExitCode(); got != c.code || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%s: exit %d (want %d), stderr %q", c.name, got, c.code, errb.String())
		}
	}
}

// grepNotOK is the verdict lines that are not ok, for failure messages.
func grepNotOK(out []byte) string {
	var b strings.Builder
	for _, l := range bytes.Split(out, []byte("\n")) {
		if len(l) > 0 && !bytes.Contains(l, []byte(`"status":"ok"`)) {
			b.Write(l[:min(len(l), 200)])
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Honest calls with threads, every fifth ending in MemoryError (a
// restart): the threads' exits, withdrawn from the seccomp listener by
// jailpy's own kill, were reported as "violation unknown" (1 to 3 in 300);
// and under load, a wrapper that quit after the MemoryError frame before
// jailpy read it made the next call "NoResult" (it never ran).
func TestBatchRegressionRestartWithThreads(t *testing.T) {
	src := `import threading
def work():
    sum(range(1000))
def f(i):
    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    if i % 5 == 4:
        raise MemoryError()
    for t in ts:
        t.join()
    return i
`
	// --pids 64: under load the threads of earlier calls may not have
	// left yet, and a thread the limit refuses is the call's own error.
	b := runBatchInput(t, src, "f", numberedCalls(300), 2*time.Minute, "--pids", "64")
	if ok, mem := countStatus(b, jail.StatusOK), countStatus(b, jail.StatusMemory); ok != 240 || mem != 60 {
		t.Errorf("%d ok and %d memory of 300, want 240 and 60; exit %d", ok, mem, b.code)
	}
}

// numberedCalls is a batch's input: n calls, [0] to [n-1].
func numberedCalls(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[%d]\n", i)
	}
	return b.Bytes()
}
