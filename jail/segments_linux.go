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
//
// Every read happens under the lock together with its append, and take
// first reads whatever the pipe holds: bytes a call wrote before its
// frame are in the pipe before the frame, so they are that call's even
// when the capture has not woken up yet.
type segments struct {
	mu      sync.Mutex
	buf     []byte
	chunk   []byte
	limit   int64
	over    func()
	flooded bool
	fd      int // the pipe, for take; -1 once it is closed
	done    chan struct{}
}

func newSegments(limit int64, over func()) *segments {
	return &segments{limit: limit, over: over, chunk: make([]byte, 32<<10), fd: -1, done: make(chan struct{})}
}

// capture reads f until every writer has closed it.
func (g *segments) capture(f *os.File) {
	defer close(g.done)
	defer f.Close()
	conn, err := f.SyscallConn()
	if err != nil {
		return
	}
	// take reads the (non-blocking) fd directly: a second RawConn.Read
	// would wait behind this one's wait for data.
	conn.Control(func(fd uintptr) {
		g.mu.Lock()
		g.fd = int(fd)
		g.mu.Unlock()
	})
	defer func() {
		g.mu.Lock()
		g.fd = -1 // before f.Close: the number may be reused
		g.mu.Unlock()
	}()
	eof := false
	for !eof {
		err := conn.Read(func(fd uintptr) bool {
			g.mu.Lock()
			defer g.mu.Unlock()
			n, again := g.readLocked(int(fd))
			eof = n == 0 && !again
			return !again // again: wait until the pipe is readable
		})
		if err != nil {
			return
		}
	}
}

// readLocked reads once from fd into the buffer; again says the pipe was
// empty. n is 0 at EOF or on an error that ends the capture.
func (g *segments) readLocked(fd int) (n int, again bool) {
	n, err := unix.Read(fd, g.chunk)
	if err == unix.EAGAIN || err == unix.EINTR {
		return 0, true
	}
	if n <= 0 {
		return 0, false
	}
	if g.flooded {
		return n, false
	}
	if g.limit > 0 && int64(len(g.buf)+n) > g.limit {
		g.buf = append(g.buf, g.chunk[:g.limit-int64(len(g.buf))]...)
		g.flooded = true
		go g.over() // it kills the jail, which takes locks of its own
		return n, false
	}
	g.buf = append(g.buf, g.chunk[:n]...)
	return n, false
}

// take returns what arrived since the last take, as valid UTF-8, the
// pipe's waiting bytes included.
func (g *segments) take() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.fd >= 0 {
		if n, again := g.readLocked(g.fd); n == 0 || again {
			break
		}
	}
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
// called at the end of each burst of frames, while that call runs.
func (s *session) markCPU(pid int) {
	if s.lim.CPU == nil {
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
// happen, so short calls are never sampled.
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
		busy := len(s.inflight) > 0
		s.fmu.Unlock()
		if busy && used >= limit {
			s.kill(killReason{Status: StatusTimeout, Limit: "cpu"})
			return
		}
		wait = (limit - used) / parallel
	}
}
