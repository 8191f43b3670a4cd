package jail

import (
	"os"
	"strings"
	"sync"
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
