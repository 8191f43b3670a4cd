package integration

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// auditEntry is the part of an audit line the tests read.
type auditEntry struct {
	Time   string `json:"time"`
	Run    string `json:"run"`
	Index  *int   `json:"index"`
	UID    int    `json:"uid"`
	Jailpy string `json:"jailpy"`
	Source struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
		Bytes  int    `json:"bytes"`
	} `json:"source"`
	Func    string          `json:"func"`
	Policy  string          `json:"policy"`
	Status  string          `json:"status"`
	Syscall string          `json:"syscall"`
	Error   string          `json:"error"`
	WallMS  float64         `json:"wall_ms"`
	Limits  jail.Enforced   `json:"limits"`
	Text    string          `json:"source_text"`
	Args    json.RawMessage `json:"args"`
}

func readAudit(t *testing.T, path string) []auditEntry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []auditEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var e auditEntry
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		if err := dec.Decode(&e); err != nil || dec.More() {
			t.Fatalf("audit line is not one JSON object (%v): %q", err, sc.Text())
		}
		out = append(out, e)
	}
	return out
}

// TestAuditLogConcurrentRuns: 16 runs, 8 at a time, append to one log:
// 16 whole lines, one per run, each naming its own run, status and
// syscall, the source by hash and size only.
func TestAuditLogConcurrentRuns(t *testing.T) {
	needJail(t)
	log := filepath.Join(t.TempDir(), "audit.log")
	srcs := map[string]string{
		"ok":        scoreSrc,
		"violation": "import socket\ndef score(v):\n    socket.socket()\n",
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < 16; i++ {
		kind := "ok"
		if i%4 == 3 {
			kind = "violation"
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			jailpy(t, run{src: srcs[kind], fn: "score", args: "[[1, 2]]", flags: []string{"--audit-log", log}})
		}()
	}
	wg.Wait()
	entries := readAudit(t, log)
	if len(entries) != 16 {
		t.Fatalf("%d audit lines for 16 runs", len(entries))
	}
	runs := map[string]bool{}
	counts := map[string]int{}
	for _, e := range entries {
		runs[e.Run] = true
		counts[e.Status]++
		if e.Status == "violation" && e.Syscall != "socket" {
			t.Errorf("violation without its syscall: %+v", e)
		}
		if e.Func != "score" || e.Policy != "none" || e.UID != os.Getuid() || e.Jailpy == "" || e.Time == "" ||
			len(e.Source.SHA256) != 64 || e.Source.Bytes == 0 || e.Text != "" || e.Args != nil || e.Limits.TimeoutMS != 5000 {
			t.Errorf("audit line incomplete or saying too much: %+v", e)
		}
	}
	if len(runs) != 16 || counts["ok"] != 12 || counts["violation"] != 4 {
		t.Errorf("run ids %d, statuses %v", len(runs), counts)
	}
	sum := sha256.Sum256([]byte(scoreSrc))
	found := false
	for _, e := range entries {
		found = found || e.Source.SHA256 == hex.EncodeToString(sum[:])
	}
	if !found {
		t.Errorf("no line carries the source's sha256")
	}
}

// TestAuditLogWriteFailures: a log that cannot be opened stops the run
// before it starts (internal, exit 125) or, with --audit-errors warn,
// runs it unlogged with a warning; a full disk (/dev/full) turns the
// verdict into internal, or with warn keeps it and warns.
func TestAuditLogWriteFailures(t *testing.T) {
	needJail(t)
	for _, c := range []struct {
		name, path, mode string
		status           jail.Status
		warns            bool
	}{
		{"unopenable, fail", "/nonexistent-dir/audit.log", "fail", jail.StatusInternal, false},
		{"unopenable, warn", "/nonexistent-dir/audit.log", "warn", jail.StatusOK, true},
		{"disk full, fail", "/dev/full", "fail", jail.StatusInternal, false},
		{"disk full, warn", "/dev/full", "warn", jail.StatusOK, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]", flags: []string{"--audit-log", c.path, "--audit-errors", c.mode}})
			if r.Status != c.status || strings.Contains(r.stderr, "warning") != c.warns {
				t.Fatalf("want %s, warning %v: %s", c.status, c.warns, r)
			}
			if c.status == jail.StatusInternal && !strings.Contains(r.Error.Message, "audit") {
				t.Fatalf("internal verdict does not say why: %s", r)
			}
			// The limits are reported as they were asked, whether the jail
			// ran (the disk was full after it) or not: never zeros.
			if lim := r.Limits; lim.TimeoutMS != 5000 || lim.MemoryBytes == 0 || lim.Cgroup == "" {
				t.Fatalf("limits of the verdict: %+v", lim)
			}
		})
	}
	for _, flags := range [][]string{{"--audit-source"}, {"--audit-errors", "warn"}, {"--audit-log", "x", "--audit-errors", "maybe"}} {
		if r := jailpy(t, run{src: scoreSrc, flags: flags}); r.code != jail.ExitUsage {
			t.Errorf("%v: exit %d, want a usage error", flags, r.code)
		}
	}
}

// TestAuditLogBatchAndSource: a batch logs one line per call with its
// index; --audit-source adds the source and each call's arguments.
func TestAuditLogBatchAndSource(t *testing.T) {
	needJail(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.log")
	file := filepath.Join(dir, "upload.py")
	os.WriteFile(file, []byte(scoreSrc), 0o644)
	cmd := exec.Command(binary, "exec", "--batch", "--python", python, "--func", "score", "--audit-log", log, "--audit-source", file)
	cmd.Stdin = strings.NewReader("[[1, 2]]\n[[3]]\n[[]]\n")
	if out, err := cmd.Output(); err == nil || bytes.Count(out, []byte("\n")) != 3 {
		t.Fatalf("batch: %v (the third call divides by zero), %s", err, out)
	}
	entries := readAudit(t, log)
	if len(entries) != 3 {
		t.Fatalf("%d audit lines for 3 calls", len(entries))
	}
	for i, e := range entries {
		if e.Index == nil || *e.Index != i || e.Text != scoreSrc || e.Run != entries[0].Run {
			t.Errorf("line %d: %+v", i, e)
		}
	}
	if string(entries[1].Args) != "[[3]]" || entries[2].Status != "error" || entries[2].Error != "ZeroDivisionError" {
		t.Errorf("args or status not logged: %+v", entries)
	}
}

// From the review: a batch whose lines cannot be logged exits 125 as a
// single run does, and a FIFO with no reader is an error, not a jailpy
// blocked in open(2) forever.
func TestAuditLogBatchFailureAndFIFO(t *testing.T) {
	needJail(t)
	b := runBatch(t, scoreSrc, "score", []string{"[[1]]", "[[2]]"}, "--audit-log", "/dev/full")
	if len(b.verdicts) != 2 || b.verdicts[0].Status != jail.StatusInternal || b.code != jail.ExitInternal {
		t.Errorf("batch into /dev/full: %+v, exit %d", b.verdicts, b.code)
	}
	fifo := filepath.Join(t.TempDir(), "audit.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	r := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1]]", flags: []string{"--audit-log", fifo}})
	if r.Status != jail.StatusInternal || !strings.Contains(r.Error.Message, "audit log") {
		t.Errorf("FIFO with no reader: %s", r)
	}
}
