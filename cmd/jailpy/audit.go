package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// auditLog is --audit-log: one JSON line per run (per call in a batch),
// each written with a single write(2) on an O_APPEND descriptor, so
// concurrent jailpy processes appending to one file never interleave.
type auditLog struct {
	w        io.Writer
	file     *os.File // nil for stderr
	failRun  bool     // --audit-errors fail: a run that cannot be logged is not reported as its verdict
	run      string   // this process's run id
	base     auditLine
	withText bool
}

// auditLine is what one line says. Never the source or the arguments,
// unless --audit-source asks.
type auditLine struct {
	Time    string          `json:"time"`
	Run     string          `json:"run"`
	Index   *int            `json:"index,omitempty"` // a batch's call
	UID     int             `json:"uid"`
	Jailpy  string          `json:"jailpy"`
	Source  auditSource     `json:"source"`
	Func    string          `json:"func"`
	Policy  string          `json:"policy"`
	Limits  jail.Enforced   `json:"limits"`
	Status  jail.Status     `json:"status"`
	Syscall string          `json:"syscall,omitempty"`
	Limit   string          `json:"limit,omitempty"`
	Signal  string          `json:"signal,omitempty"`
	Stream  string          `json:"stream,omitempty"`
	Error   string          `json:"error,omitempty"` // the error's type, or an internal one's message
	WallMS  float64         `json:"wall_ms"`
	CPUMS   float64         `json:"cpu_ms"`
	Memory  uint64          `json:"memory_bytes"`
	Text    string          `json:"source_text,omitempty"`
	Args    json.RawMessage `json:"args,omitempty"`
	Kwargs  json.RawMessage `json:"kwargs,omitempty"`
}

type auditSource struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// openAudit opens --audit-log, or returns nil when it is not set. The
// log is opened before anything runs, so a log that cannot be written is
// known before the run starts.
func openAudit(path, mode string, withText bool, spec *jail.Spec) (*auditLog, error) {
	if path == "" {
		if withText || mode != "fail" {
			return nil, usagef("--audit-source and --audit-errors need --audit-log")
		}
		return nil, nil
	}
	if mode != "fail" && mode != "warn" {
		return nil, usagef("--audit-errors %q: use fail or warn", mode)
	}
	a := &auditLog{failRun: mode == "fail", withText: withText}
	if path == "-" {
		a.w = os.Stderr
	} else {
		// O_NONBLOCK: a FIFO with no reader is an error now (ENXIO), not a
		// jailpy blocked in open(2) forever; writes block as usual after.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NONBLOCK, 0o600)
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if err := syscall.SetNonblock(int(f.Fd()), false); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log: %w", err)
		}
		a.w, a.file = f, f
	}
	id := make([]byte, 8)
	rand.Read(id)
	a.run = hex.EncodeToString(id)
	sum := sha256.Sum256(spec.Source)
	a.base = auditLine{
		Run: a.run, UID: os.Getuid(), Jailpy: jailpyVersion(), Func: spec.Func, Policy: "none",
		Source: auditSource{Name: filepath.Base(spec.Filename), SHA256: hex.EncodeToString(sum[:]), Bytes: len(spec.Source)},
	}
	if spec.Policy != nil {
		a.base.Policy = spec.Policy.Name
	}
	if withText {
		a.base.Text = string(spec.Source)
	}
	return a, nil
}

// record writes res's line; args are the call's, for --audit-source.
func (a *auditLog) record(res *jail.Result, args, kwargs json.RawMessage) error {
	l := a.base
	l.Time = time.Now().UTC().Format(time.RFC3339Nano)
	l.Index = res.Index
	l.Limits, l.Status = res.Limits, res.Status
	l.Syscall, l.Limit, l.Signal, l.Stream = res.Syscall, res.Limit, res.Signal, res.Stream
	if e := res.Error; e != nil {
		l.Error = e.Type
		if res.Status == jail.StatusInternal {
			l.Error = e.Message
		}
	}
	l.WallMS, l.CPUMS, l.Memory = res.WallMS, res.CPUMS, res.Memory
	if a.withText {
		l.Args, l.Kwargs = args, kwargs
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&l); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	n, err := a.w.Write(b.Bytes()) // one write: one line, whole or not at all
	if err == nil && n < b.Len() {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// settle applies --audit-errors to a failed record: fail turns the
// verdict into internal (the caller must not act on a run nobody logged),
// warn keeps it and says so on stderr.
func (a *auditLog) settle(res *jail.Result, err error, stderr io.Writer) *jail.Result {
	if err == nil {
		return res
	}
	if !a.failRun {
		fmt.Fprintf(stderr, "jailpy: warning: %v\n", err)
		return res
	}
	failed := &jail.Result{Version: res.Version, Index: res.Index, Status: jail.StatusInternal,
		Error:  &jail.ErrorInfo{Message: "the run could not be audited (--audit-errors fail): " + err.Error()},
		Limits: res.Limits, WallMS: res.WallMS, CPUMS: res.CPUMS, Memory: res.Memory}
	return failed
}

func (a *auditLog) close() {
	if a != nil && a.file != nil {
		a.file.Close()
	}
}

// jailpyVersion is the module version and, for a build from a checkout,
// its commit.
func jailpyVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return v
}
