package jail

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// segments captures one of a batch jail's output pipes: what reached it
// since the last take is the next verdict's. It keeps at most limit bytes
// between takes; past that, over is called once and the rest discarded.
// Only native code writes to these pipes in a batch (the wrapper routes
// Python's writes to fds 1 and 2 into each call's frame), and frames go
// out in bursts, so what arrives here is attributed to a call near the
// one that wrote it, not necessarily to it; take does not spend a system
// call per frame trying to do better.
type segments struct {
	mu      sync.Mutex
	buf     []byte
	limit   int64
	over    func()
	flooded bool
	done    chan struct{}
}

func newSegments(limit int64, over func()) *segments {
	return &segments{limit: limit, over: over, done: make(chan struct{})}
}

// capture reads f until every writer has closed it.
func (g *segments) capture(f *os.File) {
	defer close(g.done)
	defer f.Close()
	chunk := make([]byte, 32<<10)
	for {
		n, err := f.Read(chunk)
		if n > 0 && g.add(chunk[:n]) {
			g.over() // it kills the jail; reading goes on until the jail is gone
		}
		if err != nil {
			return
		}
	}
}

// add keeps b, up to the limit; it reports the moment the limit is passed.
func (g *segments) add(b []byte) (overNow bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.flooded {
		return false
	}
	if g.limit > 0 && int64(len(g.buf)+len(b)) > g.limit {
		g.buf = append(g.buf, b[:g.limit-int64(len(g.buf))]...)
		g.flooded = true
		return true
	}
	g.buf = append(g.buf, b...)
	return false
}

// take returns what arrived since the last take, as valid UTF-8.
func (g *segments) take() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.buf) == 0 {
		return ""
	}
	s := strings.ToValidUTF8(string(g.buf), "\uFFFD")
	g.buf = g.buf[:0]
	return s
}

// processCPUClock reads the CPU time of every thread of pid, living and
// exited, from its process CPU clock: nanosecond precision, one system
// call, unlike /proc/PID/stat's 10 ms ticks.
func processCPUClock(pid int) (time.Duration, error) {
	var ts unix.Timespec
	clock := (^int32(pid))<<3 | 2 // MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
	if err := unix.ClockGettime(clock, &ts); err != nil {
		return 0, err
	}
	return time.Duration(ts.Nano()), nil
}

// markCPU starts the head call's CPU account at the jail's CPU time now:
// called at the end of each burst of frames, while that call runs. Only a
// burst that answered a call starts a new account; frames that answer
// nothing (duplicates) leave the running one as it is.
func (s *session) markCPU(pid int) {
	s.fmu.Lock()
	advanced := s.advanced
	s.advanced = false
	s.fmu.Unlock()
	if s.lim.CPU == nil || !advanced {
		return
	}
	if used, err := processCPUClock(pid); err == nil {
		s.fmu.Lock()
		s.cpuBase = used
		s.fmu.Unlock()
	}
}

// watchCallCPU ends the jail when its running call has used its CPU
// limit. Like watchCPU it sleeps until the earliest moment that could
// happen, so short calls are never sampled. Between calls the account
// runs on: CPU burnt by code left running after its call returned counts
// against the next call, whose verdict it becomes.
func (s *session) watchCallCPU(pid int, limit time.Duration, stop <-chan struct{}) {
	parallel := time.Duration(runtime.NumCPU())
	if p := deref(s.lim.Pids); p > 0 && time.Duration(p) < parallel {
		parallel = time.Duration(p)
	}
	wait := limit / parallel
	for {
		t := time.NewTimer(max(wait, 2*time.Millisecond))
		select {
		case <-stop:
			t.Stop()
			return
		case <-t.C:
		}
		used, err := processCPUClock(pid)
		if err != nil {
			return
		}
		s.fmu.Lock()
		used -= s.cpuBase
		s.fmu.Unlock()
		if s.emitting.Load() {
			// jailpy is behind (a caller slow to read): the calls whose
			// frames wait in the pipe finished; their CPU is not the
			// running call's. The account is re-based once it catches up.
			wait = limit / parallel
			continue
		}
		if used >= limit {
			s.kill(killReason{Status: StatusTimeout, Limit: "cpu"})
			return
		}
		wait = (limit - used) / parallel
	}
}
