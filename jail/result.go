package jail

import "encoding/json"

// Status is the outcome of one run; see the verdict table in the README.
type Status string

// The statuses a verdict can carry.
const (
	StatusOK        Status = "ok"        // the function returned a value strict JSON can carry
	StatusError     Status = "error"     // user code failed: exception, syntax, missing function, bad result
	StatusPolicy    Status = "policy"    // rejected by validation before it ran
	StatusTimeout   Status = "timeout"   // wall or CPU limit
	StatusMemory    Status = "memory"    // OOM kill or MemoryError
	StatusOutput    Status = "output"    // stdout, stderr or result over its cap
	StatusViolation Status = "violation" // a syscall outside the allow-list
	StatusCrash     Status = "crash"     // killed by another signal
	StatusInternal  Status = "internal"  // jailpy itself failed; fail closed
)

// ExitCode is the process exit code jailpy uses for a verdict with this
// status, so shell callers can branch without parsing JSON.
func (s Status) ExitCode() int {
	switch s {
	case StatusOK:
		return 0
	case StatusError, StatusPolicy:
		return 1
	case StatusTimeout, StatusMemory, StatusOutput:
		return 3
	case StatusViolation, StatusCrash:
		return 4
	default:
		return ExitInternal
	}
}

// Exit codes that are not tied to a verdict.
const (
	ExitUsage    = 2   // bad flag, missing file, malformed --args: no verdict
	ExitInternal = 125 // jailpy failed; the verdict says why
)

// Version is the verdict format version; it changes only when a field
// changes meaning or disappears.
const Version = 1

// Result is the verdict of one run, printed as one JSON object.
type Result struct {
	Version int             `json:"version"`
	Index   *int            `json:"index,omitempty"` // a batch's call: its 0-based line in the input
	Status  Status          `json:"status"`
	Value   json.RawMessage `json:"value,omitempty"` // ok: the returned value, strict JSON
	Error   *ErrorInfo      `json:"error,omitempty"` // error, policy (the first finding), internal
	// Findings are every reason a policy rejected the source, in source
	// order (Error is the first).
	Findings []ErrorInfo `json:"findings,omitempty"`
	Limit    string      `json:"limit,omitempty"`   // timeout: "wall" or "cpu"
	Syscall  string      `json:"syscall,omitempty"` // violation: the denied syscall's name
	Signal   string      `json:"signal,omitempty"`  // crash: the signal's name, e.g. "SIGSEGV"
	Stream   string      `json:"stream,omitempty"`  // output: "stdout", "stderr" or "result"
	Stdout   string      `json:"stdout"`            // what the code printed, up to the cap
	Stderr   string      `json:"stderr"`
	WallMS   float64     `json:"wall_ms"`
	CPUMS    float64     `json:"cpu_ms"`
	Memory   uint64      `json:"memory_bytes"` // peak, from the cgroup or else getrusage
	Limits   Enforced    `json:"limits"`
	Timings  *Timings    `json:"timings_ms,omitempty"` // asked for with Spec.Timings
}

// ErrorInfo says what went wrong, in words a web app can show its user.
type ErrorInfo struct {
	Type      string `json:"type,omitempty"`      // exception class, e.g. "ZeroDivisionError"
	Rule      string `json:"rule,omitempty"`      // policy: the rule that rejected the code
	Message   string `json:"message"`             // one line
	Traceback string `json:"traceback,omitempty"` // user frames only
	Line      int    `json:"line,omitempty"`      // 1-based line in the user's file
	Col       int    `json:"col,omitempty"`       // policy: 1-based column
}

// Enforced records the limits that were actually in force, so a caller can
// tell a fully jailed run from a degraded one.
type Enforced struct {
	TimeoutMS   int64  `json:"timeout_ms"`
	CPUMS       int64  `json:"cpu_ms"`
	MemoryBytes int64  `json:"memory_bytes"`
	Pids        int64  `json:"pids"`
	OutputBytes int64  `json:"output_bytes"`
	ResultBytes int64  `json:"result_bytes"`
	TmpBytes    int64  `json:"tmp_bytes"`
	Cgroup      string `json:"cgroup"`                // "v2", "v1" or "none"
	CgroupNote  string `json:"cgroup_note,omitempty"` // why "none" was used
}

// internalResult is the verdict for a run that could not be set up or
// whose outcome cannot be trusted.
func internalResult(msg string) *Result {
	return &Result{Version: Version, Status: StatusInternal, Error: &ErrorInfo{Message: msg}}
}
