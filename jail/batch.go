package jail

import (
	"encoding/json"
	"time"
)

// Batch is many calls of one upload's function: the module is loaded once
// per jail and the function called once per argument array. The Spec's
// Args are unused; its Kwargs go with every call, and its limits hold for
// each call (Wall and CPU per call; memory, pids and /tmp for each jail).
//
// The calls share one jail until one of them ends it: a timeout, a
// violation, a crash, the memory limit or an output flood gets its own
// verdict, and the calls after it go on in a fresh jail, so no call ever
// runs in a process a failed call has left behind. Calls in one jail do
// share the module's state and /tmp, as calls of one function in one
// process would.
type Batch struct {
	// Next returns the next call's arguments, a JSON array; io.EOF ends
	// the batch, any other error stops it (Summary.Err).
	Next func() (json.RawMessage, error)
	// Emit receives each call's verdict, in input order, Index set, and
	// the call's arguments (for an audit log). It may change the verdict
	// in place; the summary counts what it leaves.
	Emit func(res *Result, args json.RawMessage) error
	// Flush is called when no verdict is ready to follow the ones emitted,
	// so a caller that buffers Emit can send them on.
	Flush func() error
	// Timeout bounds the whole batch; nil = none.
	Timeout *time.Duration
	// FailFast stops the batch after the first verdict that is not ok.
	FailFast bool
}

// Summary is how a batch ended.
type Summary struct {
	Calls   int    // verdicts emitted
	Worst   Status // the most severe status emitted (by exit code); "" for none
	Stopped string // why the batch stopped before its input ended, or ""
	// Incident says how the last jail ended after its last call had been
	// answered (code left running that hit a limit), or "".
	Incident string
	Err      error // Next's error, or Emit's: the batch stopped there
}

// ExitCode is the process exit code of a batch: 0 when every call was
// ok, else the most severe verdict's.
func (s Summary) ExitCode() int {
	if s.Worst == "" {
		return 0
	}
	return s.Worst.ExitCode()
}

// note records one emitted verdict in the summary.
func (s *Summary) note(st Status) {
	s.Calls++
	s.worst(st)
}

// worst raises Worst to st if st is more severe.
func (s *Summary) worst(st Status) {
	if s.Worst == "" || st.ExitCode() > s.Worst.ExitCode() {
		s.Worst = st
	}
}

// describe is a verdict in a few words, for a line on stderr.
func describe(r *Result) string {
	d := string(r.Status)
	for _, detail := range []string{r.Limit, r.Syscall, r.Signal, r.Stream} {
		if detail != "" {
			d += " (" + detail + ")"
		}
	}
	if r.Error != nil {
		d += ": " + r.Error.Message
	}
	return d
}

// callFrame is one call's frame in a batch: a single run's frame plus
// what the wrapper captured for that call alone.
type callFrame struct {
	frame
	Stream string `json:"stream"` // "output" frames: the stream over its cap
	Stdout string `json:"stdout"` // printed through sys.stdout during the call
	Stderr string `json:"stderr"`
}

// callHead is a batch frame's header line: the call's place and what the
// wrapper measured of it (the jail's own clocks: for the caller to read,
// never to decide a limit by).
type callHead struct {
	Seq    uint64
	WallUS uint64
	CPUUS  uint64
	RSS    uint64 // bytes: the jail's peak RSS, sampled
}
