package jail

import (
	"fmt"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// killReason is why the parent itself ended a run. Only the first one
// counts: a run killed for its timeout that then floods output is a
// timeout.
type killReason struct {
	Status  Status // StatusTimeout, StatusOutput or StatusViolation
	Limit   string // timeout: "wall" or "cpu"
	Stream  string // output: "stdout", "stderr" or "result"
	Syscall string // violation: the syscall's name
	Message string // internal: what went wrong
}

// outcome is everything the parent measured about one run.
type outcome struct {
	SetupErr    string      // a stage of the jail failed; nothing untrusted ran
	Killed      *killReason // the parent killed the run, and why
	Status      syscall.WaitStatus
	OOMKills    uint64 // from the cgroup
	CPUOver     bool   // CPU time used reached the limit
	MemoryPeak  uint64 // bytes, from the cgroup or else getrusage
	MemoryLimit int64  // bytes; 0 = unset
	Report      report // the result channel, validated
	ResultCap   int64  // bytes the value's JSON may have; 0 = unset
	Stderr      string // for messages when Python failed to start
}

// decide turns measurements into a verdict. The order is the contract:
// what the parent saw for itself (setup failures, its own kills, the
// cgroup's OOM count, signals) comes before anything the child wrote, so
// nothing the code prints or frames can turn a timeout, an OOM kill or a
// violation into ok.
func decide(o outcome) *Result {
	if o.SetupErr != "" {
		return internalResult(o.SetupErr)
	}
	if k := o.Killed; k != nil {
		switch {
		case k.Status == StatusViolation && !o.Report.Started:
			return internalResult(fmt.Sprintf("python start-up made the syscall %s, which the seccomp policy denies", k.Syscall))
		case k.Status == StatusViolation:
			return &Result{Status: StatusViolation, Syscall: k.Syscall}
		case k.Status == StatusTimeout:
			return &Result{Status: StatusTimeout, Limit: k.Limit}
		}
	}
	if o.CPUOver {
		// Past the limit between two samples of the CPU watch, or caught
		// only by the RLIMIT_CPU backstop's SIGKILL.
		return &Result{Status: StatusTimeout, Limit: "cpu"}
	}
	if o.OOMKills > 0 || o.MemoryLimit > 0 && o.MemoryPeak > uint64(o.MemoryLimit) {
		// Peak over the limit: only possible without a cgroup, where
		// rlimits bound memory loosely (shared mappings escape RLIMIT_DATA).
		return &Result{Status: StatusMemory}
	}
	if k := o.Killed; k != nil && k.Status == StatusOutput {
		return &Result{Status: StatusOutput, Stream: k.Stream}
	}
	if o.Status.Signaled() {
		return signaled(o)
	}
	return exited(o)
}

// signaled explains a death by a signal nobody in the parent sent.
func signaled(o outcome) *Result {
	sig := o.Status.Signal()
	switch {
	case sig == unix.SIGSYS:
		// The filter's kill action (foreign architecture, x32): the kernel
		// does not say which call it was.
		return &Result{Status: StatusViolation, Syscall: "unknown (non-native system call ABI)"}
	case !o.Report.Started:
		return internalResult(fmt.Sprintf("python was killed by %s before user code ran%s", signalName(sig), excerpt(o.Stderr)))
	}
	return &Result{Status: StatusCrash, Signal: signalName(sig)}
}

// exited explains a normal exit from the result frame.
func exited(o outcome) *Result {
	code := o.Status.ExitStatus()
	r := o.Report
	switch {
	case !r.Started && r.Problem != "":
		return internalResult("the wrapper's result channel is corrupt: " + r.Problem)
	case !r.Started:
		return internalResult(fmt.Sprintf("python exited with code %d before user code ran%s", code, excerpt(o.Stderr)))
	case r.Problem != "":
		return userError("ProtocolError", "user code wrote to the result channel: "+r.Problem)
	case r.BadValue != "" && code == 0:
		return userError("ResultError", "the return value cannot be sent as JSON: "+r.BadValue)
	case r.Frame == nil:
		return userError("NoResult", fmt.Sprintf("the process exited with code %d without returning from the function", code))
	case code != 0:
		return userError("NoResult", fmt.Sprintf("the process exited with code %d after writing a result", code))
	}
	f := r.Frame
	if f.Status == "policy" {
		return policyResult(f.Findings)
	}
	if f.Status == "error" {
		if f.Error.Type == "MemoryError" {
			return &Result{Status: StatusMemory, Error: f.Error}
		}
		return &Result{Status: StatusError, Error: f.Error}
	}
	// The cap holds for what the child wrote and for what the caller gets:
	// cleaning can triple a value (an invalid byte becomes a three-byte
	// U+FFFD).
	if o.ResultCap > 0 && int64(max(f.RawLen, len(f.Value))) > o.ResultCap {
		return &Result{Status: StatusOutput, Stream: "result"}
	}
	return &Result{Status: StatusOK, Value: f.Value}
}

// policyResult is the verdict for a source the policy refused.
func policyResult(findings []ErrorInfo) *Result {
	first := findings[0]
	return &Result{Status: StatusPolicy, Error: &first, Findings: findings}
}

func userError(typ, msg string) *Result {
	return &Result{Status: StatusError, Error: &ErrorInfo{Type: typ, Message: msg}}
}

// signalName is the conventional name of a signal, e.g. "SIGSEGV".
func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// excerpt is the last line of what Python printed on stderr, for an
// internal error message a sysadmin can act on.
func excerpt(stderr string) string {
	s := strings.TrimSpace(stderr)
	if s == "" {
		return ""
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return ": " + s
}
