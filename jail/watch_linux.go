package jail

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jailpy/jailpy/internal/fault"
)

// capture reads one stream of the child, keeping at most cap bytes. When
// the child writes more, over is called once and reading stops, so
// jailpy's memory never depends on what the child prints.
type capture struct {
	buf  bytes.Buffer
	done chan struct{}
	// first and last are when the first and the last bytes arrived
	// (CLOCK_MONOTONIC ns; 0 if none did), for the run's timings.
	first, last int64
}

func startCapture(f *os.File, limit int64, over func()) *capture {
	c := &capture{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer f.Close()
		chunk := make([]byte, 32<<10)
		for {
			n, err := f.Read(chunk)
			if n > 0 {
				c.last = monotonic()
				if c.first == 0 {
					c.first = c.last
				}
				if limit > 0 && int64(c.buf.Len()+n) > limit {
					c.buf.Write(chunk[:limit-int64(c.buf.Len())])
					over()
					return
				}
				c.buf.Write(chunk[:n])
				if c.buf.Len() >= 32<<10 && c.buf.Len()-n < 32<<10 {
					fault.Point("output") // in a flood, not at the result's start marker
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

// wait returns what was captured once the stream has ended.
func (c *capture) wait() []byte {
	<-c.done
	return c.buf.Bytes()
}

// release drops the captured bytes; call it once they have been used.
func (c *capture) release() {
	<-c.done
	c.buf = bytes.Buffer{}
}

// text is the captured bytes as a JSON-safe string.
func (c *capture) text() string {
	return strings.ToValidUTF8(string(c.wait()), "\uFFFD")
}

// watchCPU enforces the CPU limit precisely (RLIMIT_CPU only counts whole
// seconds). Rather than polling at a fixed rate, it sleeps until the
// earliest moment the limit could be reached if every thread the jail may
// run were busy, then looks again; a run that ends before that is never
// sampled.
func watchCPU(pid int, limit time.Duration, threads int64, stop <-chan struct{}, over func()) {
	parallel := int64(runtime.NumCPU())
	if threads > 0 && threads < parallel {
		parallel = threads
	}
	for {
		used, err := processCPU(pid)
		if err != nil {
			return // the process is gone
		}
		left := limit - used
		if left <= 0 {
			over()
			return
		}
		wait := left / time.Duration(parallel)
		if wait < 2*time.Millisecond {
			wait = 2 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-stop:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// processCPU is the user+system time of every thread of pid, from
// /proc/PID/stat (in USER_HZ ticks, 100 on Linux).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: fields start
	// after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("malformed stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed stat")
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
