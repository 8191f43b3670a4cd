package jail

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
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
type session struct {
	*run
	d *batchRun

	fmu      sync.Mutex
	inflight []call        // sent, not yet answered, in order
	held     int           // bytes of their lines
	room     *sync.Cond    // on fmu: inflight shrank, or the jail is gone
	seq      uint64        // the next frame's sequence number
	execed   bool          // the wrapper runs: calls are timed
	callWall *time.Timer   // the call at the head of inflight
	cpuBase  time.Duration // the jail's CPU time when the head call started
	started  time.Time     // when the head call started, as the parent saw it

	closed     chan struct{} // the jail is gone: the feeder stops
	done       bool          // a frame ended the jail: later frames are ignored
	problem    string        // the result channel broke the protocol
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

// serve starts the jail, feeds it calls, turns its frames into verdicts and,
// when it dies, gives the call it was running its verdict and requeues
// the rest. It must run on a locked OS thread (see spawn).
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
	cfg := &initConfig{
		Plan: s.d.plan, FS: rootfs.Options{TmpBytes: deref(s.lim.Tmp)}, Rlimits: s.lim.rlimits(cg.Mode()),
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
	s.fmu.Unlock()
	if listener != nil {
		listener.Close()
	}
	<-read
	s.fmu.Lock()
	if s.callWall != nil {
		s.callWall.Stop()
	}
	s.fmu.Unlock()
	<-fed
	<-s.stdout.done
	<-s.stderr.done
	if s.problem == "" && !s.done {
		s.recover(frames)
	}
	s.fmu.Lock()
	rest := s.inflight
	s.inflight = nil
	s.fmu.Unlock()
	if len(rest) > 0 && !s.done {
		s.fmu.Lock()
		wall := time.Since(s.started)
		if s.started.IsZero() {
			wall = time.Since(start)
		}
		s.fmu.Unlock()
		s.postMortem(rest[0], setupErr, state, cg, wall)
		rest = rest[1:]
	}
	s.d.requeue(rest)
	s.d.mu.Lock()
	if s.d.stopped {
		s.d.muted = true // the running call had its verdict; no other
	}
	s.d.mu.Unlock()
}

// setupFailed ends the batch with an internal verdict for its next call.
func (s *session) setupFailed(msg string) {
	s.fatal = true
	s.d.fatal(msg)
}

// startTiming arms the head call's wall timer and the CPU watch once the
// interpreter runs: its start-up counts towards the first call.
func (s *session) startTiming(pid int, stop <-chan struct{}) {
	wall := s.lim.Wall
	s.fmu.Lock()
	s.execed = true
	s.started = time.Now()
	if wall != nil {
		s.callWall = time.AfterFunc(*wall, func() { s.kill(killReason{Status: StatusTimeout, Limit: "wall"}) })
		if len(s.inflight) == 0 {
			s.callWall.Stop()
		}
	}
	s.fmu.Unlock()
	if cpu := s.lim.CPU; cpu != nil {
		go s.watchCallCPU(pid, *cpu, stop)
	}
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
			if s.callWall != nil {
				s.callWall.Reset(*s.lim.Wall)
			}
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

// batchHead is the job's start: the head line, the keyword arguments and
// the source, which the wrapper loads once.
func (s *session) batchHead() []byte {
	head, _ := json.Marshal(map[string]any{
		"func": s.spec.Func, "filename": filepath.Base(s.spec.Filename), "batch": true,
		"source_bytes": len(s.spec.Source), "shm_bytes": framesSize,
		"output_bytes": deref(s.lim.Output),
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
			s.d.flush()
			s.markCPU(pid)
		}
		h, body, err := readCallFrame(br, s.frameLimit)
		if err == io.EOF {
			return
		}
		if err != nil {
			s.breakProtocol(err.Error())
			return
		}
		if !s.frame(h, body, true) {
			io.Copy(io.Discard, br) // the jail is being killed; drain until it is gone
			return
		}
	}
}

// frame answers the head call from its frame; false once frames no longer
// count (the jail is ending). live says it came down the pipe just now,
// so the next call's time starts now; one recovered from the buffer
// after the jail died says nothing of when.
func (s *session) frame(h callHead, body []byte, live bool) bool {
	if s.done || s.problem != "" {
		return false
	}
	s.fmu.Lock()
	switch {
	case h.Seq < s.seq:
		s.fmu.Unlock()
		return true // sent and also left in the buffer when the jail died
	case h.Seq > s.seq || len(s.inflight) == 0:
		s.fmu.Unlock()
		s.breakProtocol("a frame out of sequence")
		return false
	}
	c := s.inflight[0]
	s.inflight = s.inflight[1:]
	s.held -= len(c.line)
	s.room.Signal()
	s.seq++
	if live {
		s.started = time.Now()
	}
	if s.callWall != nil && live {
		if len(s.inflight) > 0 {
			s.callWall.Reset(*s.lim.Wall)
		} else {
			s.callWall.Stop()
		}
	}
	s.fmu.Unlock()
	res, restart := callVerdict(h, body, s.stdout.take(), s.stderr.take(), s.lim)
	res.Limits = s.lim.enforced(s.cgMode, s.cgNote)
	s.d.emit(res, c)
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

// recover answers the calls whose frames were still in the shared buffer
// when the jail died: they finished; only their burst was not sent.
func (s *session) recover(frames *os.File) {
	var hdr [8]byte
	if n, _ := frames.ReadAt(hdr[:], 0); n != 8 {
		return
	}
	held := int64(binary.LittleEndian.Uint64(hdr[:]))
	if held <= 0 || held > framesSize-8 {
		return
	}
	buf := make([]byte, held)
	if n, _ := frames.ReadAt(buf, 8); int64(n) != held {
		return
	}
	br := bufio.NewReader(bytes.NewReader(buf))
	for {
		h, body, err := readCallFrame(br, s.frameLimit)
		if err != nil || !s.frame(h, body, false) {
			return
		}
	}
}

// postMortem gives the call the jail was running when it died its
// verdict, from what the parent measured, as a single run's is decided.
func (s *session) postMortem(c call, setupErr string, state *os.ProcessState, cg cgroup.Cgroup, wall time.Duration) {
	o := outcome{SetupErr: setupErr, MemoryLimit: deref(s.lim.Memory)}
	o.Report = report{Started: s.marker, Problem: s.problem}
	o.Stderr = s.stderr.take()
	stdout := s.stdout.take()
	s.mu.Lock()
	o.Killed = s.killed
	s.mu.Unlock()
	if o.Killed != nil && o.Killed.Status == StatusInternal && o.SetupErr == "" {
		o.SetupErr = o.Killed.Message
	}
	if o.Killed != nil && o.Killed.Status == "" {
		o.Killed = nil // ended by jailpy itself (a stopped batch): the exit decides
	}
	if o.SetupErr != "" && !o.Report.Started {
		o.SetupErr += excerpt(o.Stderr)
	}
	var cpu time.Duration
	if state != nil {
		o.Status = state.Sys().(syscall.WaitStatus)
		if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
			cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			o.MemoryPeak = uint64(ru.Maxrss) * 1024
		}
	} else if o.SetupErr == "" {
		o.SetupErr = "lost the jail's init process"
	}
	s.fmu.Lock()
	cpu -= min(s.cpuBase, cpu) // the running call's own
	s.fmu.Unlock()
	o.CPUOver = s.lim.CPU != nil && cpu >= *s.lim.CPU
	if stats, err := cg.Stats(); err == nil {
		o.OOMKills = stats.OOMKills
		if stats.MemoryPeak > 0 {
			o.MemoryPeak = stats.MemoryPeak
		}
	} else if o.SetupErr == "" {
		o.SetupErr = "cgroup stats (an OOM kill could go unseen): " + err.Error()
	}
	res := decide(o)
	if o.Report.Problem != "" && res.Status == StatusError {
		res = userError("ProtocolError", "user code wrote to the result channel: "+o.Report.Problem)
	}
	res.Stdout, res.Stderr = stdout, o.Stderr
	res.WallMS, res.CPUMS, res.Memory = ms(wall), ms(cpu), o.MemoryPeak
	res.Limits = s.lim.enforced(s.cgMode, s.cgNote)
	s.d.emit(res, c)
	if res.Status == StatusInternal {
		s.fatal = true
		s.d.stop("the jail failed: "+res.Error.Message, nil)
	}
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
