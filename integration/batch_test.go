package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// batchSrc answers each call by its first argument; calls is a counter
// that lives as long as the jail, so a verdict shows whether its call ran
// in the jail of the calls before it.
const batchSrc = `
import ctypes, os, time
calls = 0
def f(kind, n=0):
    global calls
    calls += 1
    if kind == "count": return calls
    if kind == "raise": raise ValueError("bad " + str(n))
    if kind == "print": print("printed", n); return n
    if kind == "raw": os.write(1, b"raw!"); os.write(2, b"err!"); return n
    if kind == "sleep": time.sleep(30)
    if kind == "spin":
        while True: pass
    if kind == "oom": return len(bytearray(1 << 30))
    if kind == "memerr": raise MemoryError()
    if kind == "socket":
        import socket
        socket.socket()
    if kind == "segv": ctypes.string_at(0)
    if kind == "flood":
        while True: print("x" * 1000)
    if kind == "rawflood":
        while True: os.write(1, b"y" * 65536)
    if kind == "exit": os._exit(7)
    if kind == "big": return "z" * n
    if kind == "nan": return float("nan")
    return kind
`

// batchRun is one jailpy exec --batch: its verdicts, exit code and stderr.
type batchResult struct {
	verdicts []jail.Result
	code     int
	stderr   string
}

// runBatch runs one batch of lines; see runBatchInput.
func runBatch(t *testing.T, src, fn string, lines []string, flags ...string) batchResult {
	t.Helper()
	input := ""
	for _, l := range lines {
		input += l + "\n"
	}
	return runBatchInput(t, src, fn, []byte(input), 2*time.Minute, flags...)
}

// TestBatchEveryStatus: each per-call status from a real call, each
// failure answered on its own line, and the calls after a failure that
// ends the jail running in a fresh one (the counter starts again).
func TestBatchEveryStatus(t *testing.T) {
	cases := []struct {
		line   string
		status jail.Status
		detail string // type, limit, syscall, signal, stream or value
		fresh  bool   // the jail is replaced after it
	}{
		{`["count"]`, jail.StatusOK, "1", false},
		{`["raise", 3]`, jail.StatusError, "ValueError", false},
		{`["print", 5]`, jail.StatusOK, "5", false},
		{`["raw", 6]`, jail.StatusOK, "6", false},
		{`["count"]`, jail.StatusOK, "5", false},
		{`["sleep"]`, jail.StatusTimeout, "wall", true},
		{`["spin"]`, jail.StatusTimeout, "cpu", true},
		{`["oom"]`, jail.StatusMemory, "", true},
		{`["memerr"]`, jail.StatusMemory, "MemoryError", true},
		{`["socket"]`, jail.StatusViolation, "socket", true},
		{`["segv"]`, jail.StatusCrash, "SIGSEGV", true},
		{`["flood"]`, jail.StatusOutput, "stdout", true},
		{`["rawflood"]`, jail.StatusOutput, "stdout", true},
		{`["exit"]`, jail.StatusError, "NoResult", true},
		{`["big", 5000]`, jail.StatusOutput, "result", false},
		{`["nan"]`, jail.StatusError, "ResultError", false},
		{`["count"]`, jail.StatusOK, "3", false},
	}
	var lines []string
	for _, c := range cases {
		lines = append(lines, c.line)
	}
	b := runBatch(t, batchSrc, "f", lines, "--timeout", "1500ms", "--cpu-time", "300ms", "--memory", "64MiB", "--result", "1KiB", "--output", "4KiB")
	if len(b.verdicts) != len(cases) {
		t.Fatalf("%d verdicts for %d calls; stderr %s", len(b.verdicts), len(cases), b.stderr)
	}
	for i, c := range cases {
		v := b.verdicts[i]
		detail := string(v.Value) + v.Limit + v.Syscall + v.Signal + v.Stream
		if v.Error != nil {
			detail = v.Error.Type
		}
		if v.Status != c.status || detail != c.detail {
			t.Errorf("call %d %s: %s %q, want %s %q", i, c.line, v.Status, detail, c.status, c.detail)
		}
		if c.fresh && i+1 < len(cases) && cases[i+1].line == `["count"]` && string(b.verdicts[i+1].Value) != "1" {
			t.Errorf("call %d after %s ran in the old jail: count %s", i+1, c.line, b.verdicts[i+1].Value)
		}
	}
	if v := b.verdicts[2]; v.Stdout != "printed 5\n" {
		t.Errorf("print(): stdout %q", v.Stdout)
	}
	if v := b.verdicts[3]; v.Stdout != "raw!" || v.Stderr != "err!" {
		t.Errorf("os.write to fds 1 and 2: stdout %q, stderr %q", v.Stdout, v.Stderr)
	}
	if v := b.verdicts[5]; v.WallMS < 1400 || v.WallMS > 5000 {
		t.Errorf("the timed-out call's wall_ms %.1f, its limit 1500ms", v.WallMS)
	}
	if b.code != 4 { // the most severe: violation and crash
		t.Errorf("exit %d, want 4; stderr %s", b.code, b.stderr)
	}
}

// TestBatchUploadErrors: a module that does not load, or has no such
// function, fails every call the same way, each with its verdict.
func TestBatchUploadErrors(t *testing.T) {
	for _, c := range []struct{ src, fn, typ string }{
		{"def f(:\n", "f", "SyntaxError"},
		{"raise KeyError('at import')\ndef f(): pass\n", "f", "KeyError"},
		{batchSrc, "nope", "FunctionNotFound"},
	} {
		b := runBatch(t, c.src, c.fn, []string{`[1]`, `[2]`, `[3]`})
		if len(b.verdicts) != 3 || b.code != 1 {
			t.Fatalf("%s: %d verdicts, exit %d", c.typ, len(b.verdicts), b.code)
		}
		for _, v := range b.verdicts {
			if v.Status != jail.StatusError || v.Error.Type != c.typ {
				t.Errorf("want %s, got %s %+v", c.typ, v.Status, v.Error)
			}
		}
	}
}

// TestBatchStops: --fail-fast ends after the first call that is not ok,
// --batch-timeout ends the call it interrupts as a timeout; both say so on
// stderr in one line and print no verdict for the calls after.
func TestBatchStops(t *testing.T) {
	b := runBatch(t, batchSrc, "f", []string{`["count"]`, `["raise"]`, `["count"]`}, "--fail-fast")
	if len(b.verdicts) != 2 || b.verdicts[1].Status != jail.StatusError || b.code != 1 || strings.Count(b.stderr, "\n") != 1 || !strings.Contains(b.stderr, "fail-fast") {
		t.Errorf("--fail-fast: %d verdicts, exit %d, stderr %q", len(b.verdicts), b.code, b.stderr)
	}
	b = runBatch(t, batchSrc, "f", []string{`["count"]`, `["sleep"]`, `["count"]`}, "--batch-timeout", "700ms")
	if len(b.verdicts) != 2 || b.verdicts[1].Status != jail.StatusTimeout || b.verdicts[1].Limit != "batch" || b.code != 3 || !strings.Contains(b.stderr, "batch-timeout") {
		t.Errorf("--batch-timeout: %+v, exit %d, stderr %q", b.verdicts, b.code, b.stderr)
	}
}

// TestBatchUsage: a bad line is a usage error (exit 2, one line) after the
// verdicts of the lines before it; flags that need --batch, or that a
// batch cannot take, are usage errors; no input, no verdict.
func TestBatchUsage(t *testing.T) {
	b := runBatch(t, batchSrc, "f", []string{`["count"]`, `{"not": "an array"}`, `["count"]`})
	if len(b.verdicts) != 1 || b.code != jail.ExitUsage || strings.Count(b.stderr, "\n") != 1 || !strings.Contains(b.stderr, "line 2") {
		t.Errorf("bad line: %d verdicts, exit %d, stderr %q", len(b.verdicts), b.code, b.stderr)
	}
	b = runBatch(t, batchSrc, "f", []string{`["count"]`, ``})
	if len(b.verdicts) != 1 || b.code != jail.ExitUsage || !strings.Contains(b.stderr, "empty") {
		t.Errorf("empty line: %d verdicts, exit %d, stderr %q", len(b.verdicts), b.code, b.stderr)
	}
	for _, flags := range [][]string{{"--batch", "--args", "[]"}, {"--fail-fast"}, {"--batch-timeout", "1s"}, {"--batch", "--batch-timeout", "soon"}} {
		cmd := exec.Command(binary, append(append([]string{"exec", "--python", python}, flags...), "x.py")...)
		cmd.Stdin = strings.NewReader("")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, _ := cmd.Output()
		if cmd.ProcessState.ExitCode() != jail.ExitUsage || len(out) != 0 || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", flags, cmd.ProcessState.ExitCode(), out, errb.String())
		}
	}
	if b := runBatch(t, batchSrc, "f", nil); len(b.verdicts) != 0 || b.code != 0 {
		t.Errorf("no calls: %d verdicts, exit %d, stderr %q", len(b.verdicts), b.code, b.stderr)
	}
}

// TestBatchStreams: a verdict comes out as soon as its call is done,
// before the next line is written, so a caller can drive a batch call by
// call; and jailpy holds nothing of a finished call.
func TestBatchStreams(t *testing.T) {
	needJail(t)
	file := filepath.Join(t.TempDir(), "upload.py")
	os.WriteFile(file, []byte(batchSrc), 0o644)
	cmd := exec.Command(binary, "exec", "--batch", "--python", python, "--func", "f", file)
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewReader(outPipe)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(in, "[\"count\"]\n")
		line := make(chan string, 1)
		go func() { s, _ := out.ReadString('\n'); line <- s }()
		select {
		case s := <-line:
			var v jail.Result
			if err := json.Unmarshal([]byte(s), &v); err != nil || string(v.Value) != fmt.Sprint(i) {
				t.Fatalf("call %d: %q (%v)", i, s, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no verdict for call %d while its input stays open", i)
		}
	}
	in.Close()
	if rest, _ := io.ReadAll(out); len(rest) != 0 || cmd.Wait() != nil {
		t.Fatalf("after the input ended: %q, %v", rest, cmd.ProcessState)
	}
}

// TestBatchStaysSmall: jailpy's own peak RSS over 100,000 calls, each
// printing a little, stays under 20 MiB and leaves nothing behind.
func TestBatchStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 100,000 calls")
	}
	needJail(t)
	bin := buildFaultBinary(t)
	file := filepath.Join(t.TempDir(), "upload.py")
	os.WriteFile(file, []byte(batchSrc), 0o644)
	var input bytes.Buffer
	const calls = 100000
	for i := 0; i < calls; i++ {
		if i%100 == 0 {
			fmt.Fprintf(&input, "[\"print\", %d]\n", i)
		} else {
			fmt.Fprintf(&input, "[\"count\", %d]\n", i)
		}
	}
	cmd := exec.Command(bin, "exec", "--batch", "--python", python, "--func", "f", file)
	cmd.Env = append(os.Environ(), "JAILPY_FAULT=exit")
	cmd.Stdin = &input
	counter := &lineCounter{}
	cmd.Stdout = counter
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var hwm int64
	pid := cmd.Process.Pid
	if waitFor(120*time.Second, func() bool { return procState(pid) == "T" }) {
		hwm = kib(procStatus(pid)["VmHWM"])
	}
	cmd.Process.Signal(syscall.SIGCONT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("batch: %v", err)
	}
	if counter.lines != calls || hwm == 0 {
		t.Fatalf("%d verdicts for %d calls; VmHWM %d", counter.lines, calls, hwm)
	}
	t.Logf("jailpy's own peak RSS over %d calls: %.1f MiB", calls, mib(hwm))
	if hwm > 20<<20 {
		t.Errorf("jailpy peaked at %.1f MiB", mib(hwm))
	}
	if left := runCgroups(t); len(left) != 0 {
		t.Errorf("cgroups left behind: %v", left)
	}
	if kids := childrenOf(os.Getpid()); len(kids) != 0 {
		t.Errorf("processes left behind: %v", kids)
	}
}

// lineCounter counts lines written to it, holding none of them.
type lineCounter struct{ lines int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}
