package jail

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/rootfs"
)

// RunBatch runs b's calls of spec's function, one jail for as many calls
// as keep it healthy; see Batch. Every call that was read gets exactly one
// verdict unless the batch stops early (Summary.Stopped, Summary.Err).
func RunBatch(ctx context.Context, spec *Spec, b Batch) Summary {
	d := &batchRun{spec: spec, b: b, lines: make(chan input), halt: make(chan struct{})}
	go d.readInput()
	d.run(ctx)
	return d.sum
}

// call is one line of the batch: its arguments and its place in the input.
type call struct {
	index int
	line  json.RawMessage
}

// input is one result of Batch.Next.
type input struct {
	line json.RawMessage
	err  error
}

// batchRun is the batch's state across its jails.
type batchRun struct {
	spec  *Spec
	b     Batch
	sum   Summary
	lines chan input // from readInput; closed after the last

	plan *rootfs.Plan
	prog []byte
	code []byte // the wrapper, compiled; nil: the jail compiles it

	mu      sync.Mutex
	queue   []call        // calls to send before new ones: a dead jail's unanswered calls
	next    int           // index of the next new call
	ended   bool          // the input has ended (EOF or error)
	current *session      // the jail running now, for the batch timer
	stopped bool          // no jail is started and no call sent after this
	halt    chan struct{} // closed when stopped: no wait for input outlives it
	muted   bool          // no verdict is emitted after this

	// incident is the verdict a jail earned with no call in flight: code
	// left running after its call returned hit a limit or a denied call.
	// The next call of the input gets it without running; after the last
	// call it goes to the summary.
	incident *Result
}

// setIncident keeps a dead jail's verdict for the next call. A muted
// batch (--fail-fast after its failure, a broken stdout) has said all it
// will: what its last jail did as it was killed is not news.
func (d *batchRun) setIncident(res *Result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.incident == nil && !d.muted {
		d.incident = res
	}
}

// readInput turns Batch.Next into a channel, so a jail's feeder can wait
// for input and for the jail's end at once. It holds at most one line.
func (d *batchRun) readInput() {
	defer close(d.lines)
	for {
		line, err := d.b.Next()
		d.lines <- input{line, err}
		if err != nil {
			return
		}
	}
}

func (d *batchRun) run(ctx context.Context) {
	defer d.flush()
	var err error
	if d.plan, err = PlanFor(ctx, d.spec); err != nil {
		d.fatal("rootfs plan: " + err.Error())
		return
	}
	d.code = wrapperCode(d.plan.Python)
	if d.prog, err = filter(); err != nil {
		d.fatal("seccomp: " + err.Error())
		return
	}
	cgroup.Reap(d.spec.Cgroup)
	if t := d.b.Timeout; t != nil {
		timer := time.AfterFunc(*t, func() {
			d.mu.Lock()
			d.sum.worst(StatusTimeout) // even with no call running
			d.mu.Unlock()
			d.stop("the batch took longer than its --batch-timeout", func(s *session) {
				s.kill(killReason{Status: StatusTimeout, Limit: "batch"})
			})
		})
		defer timer.Stop()
	}
	go func() { // an interrupted jailpy ends the jail it is running
		<-ctx.Done()
		d.mu.Lock()
		d.sum.worst(StatusInternal) // even with no call running
		d.mu.Unlock()
		d.stop("interrupted: jailpy was asked to stop", func(s *session) {
			s.kill(killReason{Status: StatusInternal, Message: "interrupted: jailpy was asked to stop"})
		})
	}()
	for d.waitForCall() {
		s := newSession(d)
		d.mu.Lock()
		stopped := d.stopped
		d.current = s
		d.mu.Unlock()
		if stopped {
			return
		}
		done := make(chan struct{})
		go func() { // the clone and the wait stay on one OS thread: see spawn
			runtime.LockOSThread()
			s.serve()
			close(done)
		}()
		<-done
		if s.fatal {
			return
		}
	}
}

// waitForCall reports whether there is a call to start a jail for,
// waiting for the input if need be. An incident is answered first.
func (d *batchRun) waitForCall() bool {
	d.mu.Lock()
	inc := d.incident
	d.incident = nil
	d.mu.Unlock()
	if inc != nil {
		c, ok := d.take(nil, nil)
		if !ok {
			d.sum.worst(inc.Status)
			d.sum.Incident = describe(inc)
			return false
		}
		d.emit(inc, c)
	}
	d.mu.Lock()
	if len(d.queue) > 0 || d.stopped {
		defer d.mu.Unlock()
		return !d.stopped
	}
	d.mu.Unlock()
	c, ok := d.take(nil, nil)
	if !ok {
		return false
	}
	d.mu.Lock()
	d.queue = append([]call{c}, d.queue...)
	d.mu.Unlock()
	return true
}

// take returns the next call to send: a requeued one, else a new line
// of input. It returns false at the end of the input or when closed is
// closed; flush runs before it waits.
func (d *batchRun) take(closed <-chan struct{}, flush func()) (call, bool) {
	d.mu.Lock()
	if len(d.queue) > 0 {
		c := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		return c, true
	}
	ended := d.ended || d.stopped
	d.mu.Unlock()
	if ended {
		return call{}, false
	}
	var in input
	var ok bool
	select {
	case in, ok = <-d.lines:
	default:
		if flush != nil {
			flush()
		}
		select {
		case in, ok = <-d.lines:
		case <-closed:
			return call{}, false
		case <-d.halt:
			return call{}, false
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !ok || in.err != nil {
		d.ended = true
		if ok && in.err != io.EOF && d.sum.Err == nil {
			d.sum.Err = in.err
		}
		return call{}, false
	}
	c := call{index: d.next, line: in.line}
	d.next++
	return c, true
}

// requeue puts a dead jail's unanswered calls back, to go first.
func (d *batchRun) requeue(calls []call) {
	d.mu.Lock()
	d.queue = append(append([]call(nil), calls...), d.queue...)
	d.mu.Unlock()
}

// emit sends one call's verdict on, unless the batch is muted; a verdict
// that is not ok stops a fail-fast batch. Verdicts go out in input order
// with no gaps: a stopped batch still answers the calls its jail had
// finished, and the one it was running, then mutes.
func (d *batchRun) emit(res *Result, c call) {
	d.mu.Lock()
	if d.muted {
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	res.Version = Version
	res.Index = &c.index
	err := d.b.Emit(res, c.line) // it may change the verdict (an audit log that failed)
	d.sum.note(res.Status)
	if err != nil {
		if d.sum.Err == nil {
			d.sum.Err = err
		}
		d.stop("the verdicts cannot be written: "+err.Error(), nil)
		return
	}
	if d.b.FailFast && res.Status != StatusOK {
		d.stop(fmt.Sprintf("--fail-fast: call %d ended %s", c.index, res.Status), nil)
	}
}

// stop ends the batch; only the first reason is kept. With end, the
// running jail is ended by it (a timeout, say) and its running call gets
// that verdict; without, the batch is muted at once and the jail killed.
func (d *batchRun) stop(why string, end func(*session)) {
	d.mu.Lock()
	first := !d.stopped
	if first {
		d.stopped, d.sum.Stopped = true, why
		close(d.halt)
	}
	if end == nil {
		d.muted = true
	}
	s := d.current
	d.mu.Unlock()
	if !first || s == nil {
		return
	}
	if end == nil {
		end = func(s *session) { s.kill(killReason{}) }
	}
	end(s)
}

// fatal emits an internal verdict for the next call and stops the batch:
// a jail cannot be set up, so no call can run.
func (d *batchRun) fatal(msg string) {
	c, ok := d.take(nil, nil)
	if ok {
		d.emit(internalResult(msg), c)
	}
	d.stop("no jail could be set up: "+msg, nil)
	d.flush()
}

func (d *batchRun) flush() {
	if d.b.Flush != nil {
		if err := d.b.Flush(); err != nil && d.sum.Err == nil {
			d.sum.Err = err
		}
	}
}
