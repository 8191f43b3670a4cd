package jail

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"syscall"
	"time"

	"github.com/jailpy/jailpy/cgroup"
)

// recovered is a frame read from the shared buffer after the jail died:
// a call that finished but whose burst was never sent.
type recovered struct {
	c    call
	h    callHead
	body []byte
}

// postMortem answers what a dead jail leaves behind, in input order: the
// calls whose frames were still in the shared buffer, then the call it
// died running, if it died rather than ended; the calls it never ran are
// requeued for the next jail.
//
// A death always reaches the caller. It goes to the first call still in
// flight; with none, to the last call the buffer answered (its frame
// cannot be believed: the jail died after writing it); with none of
// those either (code left running after its call returned did it), to
// the next call of the input, unrun, or after the last call to the
// batch's stderr and exit code (batchRun.incident).
func (s *session) postMortem(frames *os.File, setupErr string, state *os.ProcessState, cg cgroup.Cgroup, start time.Time) {
	var late []recovered
	if s.problem == "" && !s.done {
		late = s.recover(frames)
	}
	s.fmu.Lock()
	rest := s.inflight
	s.inflight = nil
	began := s.started
	s.fmu.Unlock()
	if began.IsZero() {
		began = start
	}
	// Even when a frame ended the jail (s.done), what jailpy measured
	// after it still counts: a denied call or a crash racing that frame.
	death := s.death(setupErr, state, cg, time.Since(began), len(rest) > 0)
	for i, r := range late {
		if death != nil && len(rest) == 0 && i == len(late)-1 {
			s.d.emit(death, r.c)
			death = nil
			break
		}
		s.answer(r.c, r.h, r.body)
	}
	if death != nil && len(rest) > 0 {
		s.d.emit(death, rest[0])
		rest = rest[1:]
	} else if death != nil {
		s.d.setIncident(death)
	}
	s.d.requeue(rest)
	if s.fatal {
		s.d.stop("a jail failed: nothing more can run", nil)
	}
	s.d.mu.Lock()
	if s.d.stopped {
		s.d.muted = true // the running call had its verdict; no other
	}
	s.d.mu.Unlock()
}

// recover accepts the frames still in the shared buffer, in order.
func (s *session) recover(frames *os.File) []recovered {
	var hdr [8]byte
	if n, _ := frames.ReadAt(hdr[:], 0); n != 8 {
		return nil
	}
	held := int64(binary.LittleEndian.Uint64(hdr[:]))
	if held <= 0 || held > framesSize-8 {
		return nil
	}
	buf := make([]byte, held)
	if n, _ := frames.ReadAt(buf, 8); int64(n) != held {
		return nil
	}
	var out []recovered
	br := bufio.NewReader(bytes.NewReader(buf))
	for {
		h, body, err := readCallFrame(br, s.frameLimit)
		if err != nil {
			return out
		}
		c, got := s.accept(h, false)
		switch got {
		case accepted:
			out = append(out, recovered{c, h, body})
		case stop:
			return out
		}
	}
}

// death is the verdict for how the jail ended, from what the parent
// measured, as a single run's is decided; nil when it simply ended (its
// input done, every call answered, exit 0, nothing killed it).
func (s *session) death(setupErr string, state *os.ProcessState, cg cgroup.Cgroup, wall time.Duration, running bool) *Result {
	o := outcome{SetupErr: setupErr, MemoryLimit: deref(s.lim.Memory)}
	o.Report = report{Started: s.marker}
	o.Stderr = s.stderr.take()
	stdout := s.stdout.take()
	s.mu.Lock()
	killed := s.killed
	s.mu.Unlock()
	ours := killed != nil && killed.Status == "" // jailpy's own kill: a protocol break, a stopped batch
	if ours {
		killed = nil
	}
	cpu := o.measure(killed, state, cg)
	s.fmu.Lock()
	cpu -= min(s.cpuBase, cpu) // the running call's own
	s.fmu.Unlock()
	o.CPUOver = s.lim.CPU != nil && cpu >= *s.lim.CPU
	var res *Result
	switch {
	case o.SetupErr != "" || o.Killed != nil || o.OOMKills > 0 || o.CPUOver:
		res = decide(o)
	case s.problem != "" && s.tooBig:
		res = &Result{Status: StatusOutput, Stream: "result"}
	case s.problem != "":
		res = userError("ProtocolError", "user code wrote to the result channel: "+s.problem)
	case s.done && state != nil && (exitedZero(state) || diedOf(state, syscall.SIGKILL)):
		// A frame ended the jail (a MemoryError, a flood): the wrapper
		// quits after such a frame, or jailpy killed it. Either is the
		// restart the frame asked for, and its calls after it never ran.
		return nil
	case ours:
		return nil // a stopped batch: nothing more is said
	case !running && state != nil && exitedZero(state):
		return nil // the input ended and the wrapper with it
	default:
		res = decide(o)
	}
	res.Stdout, res.Stderr = stdout, o.Stderr
	res.WallMS, res.CPUMS, res.Memory = ms(wall), ms(cpu), o.MemoryPeak
	res.Limits = s.lim.enforced(s.cgMode, s.cgNote)
	s.fatal = res.Status == StatusInternal // the batch stops once it is said
	return res
}

func exitedZero(state *os.ProcessState) bool { return state.Exited() && state.ExitCode() == 0 }

func diedOf(state *os.ProcessState, sig syscall.Signal) bool {
	ws, ok := state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}
