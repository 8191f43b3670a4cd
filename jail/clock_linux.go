package jail

import (
	"encoding/binary"
	"sync"

	"golang.org/x/sys/unix"
)

// initTimes are the init's clock readings, sent with its seccomp listener.
type initTimes struct {
	Started, Configured, Mounted, Confined int64 // CLOCK_MONOTONIC, ns
}

func (t initTimes) bytes() []byte {
	b := make([]byte, 0, 32)
	for _, v := range []int64{t.Started, t.Configured, t.Mounted, t.Confined} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return b
}

// parseInitTimes reads what bytes wrote; short input gives zeros.
func parseInitTimes(b []byte) initTimes {
	var v [4]int64
	for i := range v {
		if len(b) >= 8*(i+1) {
			v[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return initTimes{v[0], v[1], v[2], v[3]}
}

// clock collects one run's readings from the goroutines that see them.
type clock struct {
	mu sync.Mutex
	// Parent-side readings, CLOCK_MONOTONIC ns, in stage order.
	start, planned, compiled, cgrouped int64
	init                               initTimes
	execAllowed, marker, lastResult    int64
	end                                int64
}

// set records now into *at under the lock, once.
func (c *clock) set(at *int64) {
	now := monotonic()
	c.mu.Lock()
	if *at == 0 {
		*at = now
	}
	c.mu.Unlock()
}

// timings turns the readings into stages. A stage whose end was never
// read is 0, and the next read stage starts where the last read one ended,
// so the stages still add up to the total.
func (c *clock) timings() *Timings {
	c.mu.Lock()
	defer c.mu.Unlock()
	points := []int64{c.start, c.planned, c.compiled, c.cgrouped,
		c.init.Started, c.init.Configured, c.init.Mounted, c.init.Confined,
		c.execAllowed, c.marker, c.lastResult, c.end}
	stages := make([]float64, len(points)-1)
	last := c.start
	for i, p := range points[1:] {
		if p == 0 || p < last {
			continue
		}
		stages[i] = nsToMS(p - last)
		last = p
	}
	return &Timings{
		Plan: stages[0], Seccomp: stages[1], Cgroup: stages[2], Clone: stages[3],
		Handoff: stages[4], Mounts: stages[5], Confine: stages[6], Exec: stages[7],
		Python: stages[8], Wrapper: stages[9], Teardown: stages[10],
		Total: nsToMS(c.end - c.start),
	}
}

func nsToMS(ns int64) float64 { return float64(ns/1000) / 1000 }

// monotonic reads CLOCK_MONOTONIC, which the parent and the init share,
// in nanoseconds (Go's own monotonic clock is private to each process).
func monotonic() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}
