package jail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/rootfs"
	"github.com/jailpy/jailpy/seccomp"
)

// framesSize is a batch's shared frame buffer: the wrapper sends its
// frames at 64 KiB, so most of it is never touched (charged to the jail's
// memory only where it is).
const framesSize = 1 << 20

// maxInflight and maxInflightBytes bound the calls sent to a jail and not
// yet answered: what jailpy holds to send again if the jail dies. One call
// is always let through, however long its line.
const (
	maxInflight      = 1024
	maxInflightBytes = 4 << 20
)

// session is one jail of a batch: it runs calls until the input ends or a
// call ends the jail.
//
// What user code writes on the result channel is trusted only for what
// the code could have returned honestly: a frame can answer a call of its
// own batch (any value, any call still in flight), never hide what jailpy
// measured. When the jail dies for a limit, a violation or a crash, that
// verdict always reaches the caller (see postMortem).
type session struct {
	*run
	d *batchRun

	fmu       sync.Mutex
	inflight  []call        // sent, not yet answered, in order
	held      int           // bytes of their lines
	room      *sync.Cond    // on fmu: inflight shrank, or the jail is gone
	seq       uint64        // the next frame's sequence number
	execed    bool          // the wrapper runs: calls are timed
	inputDone bool          // the feeder has sent its last call
	callWall  *time.Timer   // the head call's wall limit; then the jail's exit
	cpuBase   time.Duration // the jail's CPU time when the head call started
	advanced  bool          // a call was answered since cpuBase was read
	started   time.Time     // when the head call started, as the parent saw it

	emitting   atomic.Bool   // the reader waits on the caller's stdout: the jail's clocks wait too
	closed     chan struct{} // the jail is gone: the feeder stops
	done       bool          // a frame ended the jail: later frames are ignored
	problem    string        // the result channel broke the protocol
	tooBig     bool          // ... with a frame over the limit: the value was too large
	marker     bool          // the wrapper's start marker arrived
	fatal      bool          // the jail could not be set up: the batch stops
	stdout     *segments
	stderr     *segments
	frameLimit int64
}

func newSession(d *batchRun) *session {
	lim := d.spec.Limits
	s := &session{
		run:    &run{spec: d.spec, lim: lim},
		d:      d,
		closed: make(chan struct{}),
		// The value, both streams escaped (six bytes a character at worst),
		// an error's message and traceback.
		frameLimit: deref(lim.Result) + 12*deref(lim.Output) + maxErrorFrame + 1024,
	}
	s.room = sync.NewCond(&s.fmu)
	return s
}

// serve starts the jail, feeds it calls, turns its frames into verdicts
// and, when it dies, gives its calls their verdicts (postMortem) and
// requeues the ones it never ran. It must run on a locked OS thread (see
// spawn).
func (s *session) serve() {
	cg, err := cgroup.New(s.spec.Cgroup, s.lim.cgroupLimits())
	if err != nil {
		s.setupFailed(err.Error())
		return
	}
	defer cg.Delete()
	s.cgMode, s.cgNote = cg.Mode(), cg.Reason()
	frames, err := newFrameBuffer()
	if err != nil {
		s.setupFailed("batch frame buffer: " + err.Error())
		return
	}
	defer frames.Close()
	// No RLIMIT_CPU: it would add up every call of the jail. The CPU
	// watch holds each call, and the time between calls, to --cpu-time.
	rl := s.lim
	rl.CPU = nil
	cfg := &initConfig{
		Plan: s.d.plan, FS: rootfs.Options{TmpBytes: deref(s.lim.Tmp)}, Rlimits: rl.rlimits(cg.Mode()),
		Seccomp: s.d.prog, Argv: pythonArgv(s.d.plan.Python, s.d.code), Env: pythonEnv(s.d.plan.Env), Hostname: "jailpy",
	}
	c, err := spawn(cg, s.spec.UID, s.spec.GID, frames)
	if err != nil {
		s.setupFailed(err.Error())
		return
	}
	defer c.close()
	start := time.Now()
	s.mu.Lock()
	s.proc = c.cmd.Process
	s.mu.Unlock()
	pid := c.cmd.Process.Pid

	setupErr := s.setup(c, cg, cfg)
	fed := make(chan struct{})
	go func() { s.feed(c.job); close(fed) }()
	s.stdout = newSegments(deref(s.lim.Output), func() { s.kill(killReason{Status: StatusOutput, Stream: "stdout"}) })
	s.stderr = newSegments(deref(s.lim.Output), func() { s.kill(killReason{Status: StatusOutput, Stream: "stderr"}) })
	go s.stdout.capture(c.stdout)
	go s.stderr.capture(c.stderr)
	read := make(chan struct{})
	go func() { s.read(c.result, pid); close(read) }()

	var listener *seccomp.Listener
	if setupErr == "" {
		listener, setupErr = s.handshake(c)
	}
	stopCPU := make(chan struct{})
	if setupErr == "" {
		s.startTiming(pid, stopCPU)
	}
	state, _ := c.cmd.Process.Wait()
	s.mu.Lock()
	s.exited = true
	s.mu.Unlock()
	close(stopCPU)
	s.fmu.Lock()
	close(s.closed)
	s.room.Broadcast()
	if s.callWall != nil {
		s.callWall.Stop()
	}
	s.fmu.Unlock()
	if listener != nil {
		listener.Close()
	}
	<-read
	<-fed
	<-s.stdout.done
	<-s.stderr.done
	s.postMortem(frames, setupErr, state, cg, start)
}

// setupFailed ends the batch with an internal verdict for its next call.
func (s *session) setupFailed(msg string) {
	s.fatal = true
	s.d.fatal(msg)
}

// startTiming arms the head call's wall timer and the CPU watch once the
// interpreter runs: its start-up counts towards the first call.
func (s *session) startTiming(pid int, stop <-chan struct{}) {
	s.fmu.Lock()
	s.execed = true
	s.started = time.Now()
	if s.lim.Wall != nil {
		s.callWall = time.AfterFunc(*s.lim.Wall, s.wallExpired)
		s.armWall()
	}
	s.fmu.Unlock()
	if cpu := s.lim.CPU; cpu != nil {
		go s.watchCallCPU(pid, *cpu, stop)
	}
}

// minExitTime is the least time a jail has to exit once the input has
// ended and every call is answered.
const minExitTime = 2 * time.Second

// armWall restarts the wall timer for the head call; with no call in
// flight it runs only once the input has ended, as the time the jail has
// to exit. The caller holds fmu.
func (s *session) armWall() {
	switch {
	case s.callWall == nil:
	case len(s.inflight) > 0:
		s.callWall.Reset(*s.lim.Wall)
	case s.inputDone:
		// Exiting is the interpreter's teardown, not the upload's call: on
		// a loaded host it can take longer than a short --timeout, and
		// honest code must not be blamed for it.
		s.callWall.Reset(max(*s.lim.Wall, minExitTime))
	default:
		s.callWall.Stop() // idle, waiting for the caller's next line
	}
}

// wallExpired ends the jail for its wall limit, unless jailpy itself is
// what holds the jail up: a caller slow to read its verdicts blocks the
// reader, and with it the frames the jail has sent.
func (s *session) wallExpired() {
	if s.emitting.Load() {
		s.fmu.Lock()
		s.callWall.Reset(*s.lim.Wall)
		s.fmu.Unlock()
		return
	}
	s.kill(killReason{Status: StatusTimeout, Limit: "wall"})
}

// feed writes the batch's job, then the calls, as the in-flight bounds allow.
func (s *session) feed(w *os.File) {
	defer w.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(s.batchHead()); err != nil {
		return
	}
	flush := func() { bw.Flush() }
	full := func(c call) bool { // the caller holds fmu
		return len(s.inflight) > 0 && (len(s.inflight) >= maxInflight || s.held+len(c.line) > maxInflightBytes) && !s.gone()
	}
	for {
		c, ok := s.d.take(s.closed, flush)
		if !ok {
			bw.Flush()
			s.fmu.Lock()
			s.inputDone = true
			if len(s.inflight) == 0 && s.execed {
				s.armWall()
			}
			s.fmu.Unlock()
			return // EOF: the wrapper answers what it has, then exits
		}
		s.fmu.Lock()
		if full(c) {
			s.fmu.Unlock()
			bw.Flush() // the wrapper may be waiting for what is buffered
			s.fmu.Lock()
			for full(c) {
				s.room.Wait()
			}
		}
		s.inflight = append(s.inflight, c) // sent or not, a dead jail's calls are requeued
		s.held += len(c.line)
		if s.gone() {
			s.fmu.Unlock()
			return
		}
		if len(s.inflight) == 1 && s.execed {
			s.started = time.Now()
			s.armWall()
		}
		s.fmu.Unlock()
		bw.Write(c.line)
		if err := bw.WriteByte('\n'); err != nil {
			return
		}
	}
}

// gone reports whether the jail has ended.
func (s *session) gone() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// batchHead is the job's start: the wrapper's code, the head line, the
// keyword arguments and the source, which the wrapper loads once.
func (s *session) batchHead() []byte {
	head, _ := json.Marshal(map[string]any{
		"func": s.spec.Func, "filename": filepath.Base(s.spec.Filename), "batch": true,
		"source_bytes": len(s.spec.Source), "shm_bytes": framesSize,
		"output_bytes": deref(s.lim.Output), "result_bytes": deref(s.lim.Result),
		"policy": s.spec.Policy,
	})
	var b bytes.Buffer
	b.Write(s.d.code)
	b.Write(head)
	b.WriteByte('\n')
	json.Compact(&b, orDefault(s.spec.Kwargs, "{}"))
	b.WriteByte('\n')
	b.Write(s.spec.Source)
	return b.Bytes()
}

// read turns the result channel into verdicts as frames arrive.
func (s *session) read(f *os.File, pid int) {
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if b, err := br.ReadByte(); err != nil {
		return
	} else if b != 'S' {
		s.breakProtocol("the result channel does not start with the wrapper's marker")
		return
	}
	s.marker = true
	for {
		if br.Buffered() == 0 { // the end of a burst: send on, re-base the CPU watch
			s.emitting.Store(true)
			s.d.flush()
			s.emitting.Store(false)
			s.markCPU(pid)
		}
		h, body, err := readCallFrame(br, s.frameLimit)
		if err == io.EOF {
			return
		}
		if errors.Is(err, errFrameTooBig) {
			s.tooBig = true
		}
		if err != nil {
			s.breakProtocol(err.Error())
			return
		}
		c, got := s.accept(h, true)
		if got == skipped {
			continue
		}
		if got == stop || !s.answer(c, h, body) {
			io.Copy(io.Discard, br) // the jail is being killed; drain until it is gone
			return
		}
	}
}

// What accept made of a frame.
type acceptance int

const (
	accepted acceptance = iota // it answers the returned call
	skipped                    // already counted: sent, and left in the shared buffer
	stop                       // no frame counts any more: the jail is ending
)

// accept takes the head call off the in-flight list for a frame of
// sequence h.Seq. live says the frame came down the pipe just now, so the
// next call's time starts now.
func (s *session) accept(h callHead, live bool) (call, acceptance) {
	if s.done || s.problem != "" {
		return call{}, stop
	}
	s.fmu.Lock()
	defer s.fmu.Unlock()
	switch {
	case h.Seq < s.seq:
		return call{}, skipped
	case h.Seq > s.seq || len(s.inflight) == 0:
		s.breakProtocol("a frame out of sequence") // kill takes mu, never fmu
		return call{}, stop
	}
	c := s.inflight[0]
	s.inflight = s.inflight[1:]
	s.held -= len(c.line)
	s.room.Signal()
	s.seq++
	if live {
		s.started, s.advanced = time.Now(), true
		s.armWall()
	}
	return c, accepted
}

// answer emits c's verdict from its frame; false when the frame ends the
// jail (a memory error, a flood: the next call gets a fresh one).
func (s *session) answer(c call, h callHead, body []byte) bool {
	res, restart := callVerdict(h, body, s.stdout.take(), s.stderr.take(), s.lim)
	res.Limits = s.lim.enforced(s.cgMode, s.cgNote)
	s.emitting.Store(true)
	s.d.emit(res, c)
	s.emitting.Store(false)
	if restart {
		s.done = true
		s.kill(killReason{})
		return false
	}
	return true
}

// breakProtocol ends the jail: its result channel cannot be trusted.
func (s *session) breakProtocol(why string) {
	if s.problem == "" {
		s.problem = why
	}
	s.kill(killReason{})
}

// newFrameBuffer makes the shared frame buffer: a memfd the wrapper maps.
// jailpy only ever preads it, so a jail that truncates it harms no one
// but itself.
func newFrameBuffer() (*os.File, error) {
	fd, err := unix.MemfdCreate("jailpy-frames", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "jailpy-frames")
	if err := f.Truncate(framesSize); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
