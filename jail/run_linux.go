package jail

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/internal/fault"
	"github.com/jailpy/jailpy/rootfs"
	"github.com/jailpy/jailpy/seccomp"
)

// Run runs spec in a new jail and returns its verdict. It never returns
// an error: every failure, jailpy's own included, is a verdict, and no
// process, cgroup or mount of the run outlives the call.
func Run(ctx context.Context, spec *Spec) *Result {
	r := &run{spec: spec, lim: spec.Limits}
	r.clk.start = monotonic()
	res := r.run(ctx)
	r.clk.set(&r.clk.end)
	res.Version = Version
	res.Limits = r.lim.enforced(r.cgMode, r.cgNote)
	if spec.Timings {
		res.Timings = r.clk.timings()
	}
	return res
}

// run is the parent's state for one jail.
type run struct {
	spec   *Spec
	lim    Limits
	plan   *rootfs.Plan // set ahead for a probe run; else PlanFor's
	cgMode cgroup.Mode
	cgNote string
	clk    clock

	mu     sync.Mutex
	killed *killReason // why the parent ended the run; nil if it did not
	exited bool        // the init has been waited for: nothing left to kill
	proc   interface{ Kill() error }
}

// kill ends the run for reason; only the first reason is kept, except
// that a reason the verdict will give (a timeout, a violation) replaces
// jailpy's own unnamed kill (a failed step, a broken protocol), which
// must never hide it. Killing pid 1 of the jail's pid namespace makes the
// kernel kill every other process in it.
func (r *run) kill(k killReason) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.exited {
		return
	}
	if r.killed == nil || r.killed.Status == "" && k.Status != "" {
		r.killed = &k
	}
	if r.proc != nil {
		r.proc.Kill()
	}
}

func (r *run) run(ctx context.Context) *Result {
	plan := r.plan
	if plan == nil {
		var err error
		if plan, err = PlanFor(ctx, r.spec); err != nil {
			return internalResult("rootfs plan: " + err.Error())
		}
	}
	code := wrapperCode(plan.Python)
	fault.Point("plan")
	r.clk.set(&r.clk.planned)
	prog, err := filter()
	if err != nil {
		return internalResult("seccomp: " + err.Error())
	}
	r.clk.set(&r.clk.compiled)
	cgroup.Reap(r.spec.Cgroup) // a crashed jailpy's leftovers; best effort
	cg, err := cgroup.New(r.spec.Cgroup, r.lim.cgroupLimits())
	if err != nil {
		return internalResult(err.Error())
	}
	defer cg.Delete()
	fault.Point("cgroup")
	r.clk.set(&r.clk.cgrouped)
	r.cgMode, r.cgNote = cg.Mode(), cg.Reason()

	job, err := r.spec.jobBytes()
	if err != nil {
		return internalResult("job: " + err.Error())
	}
	job = append(code, job...)
	cfg := &initConfig{
		Plan:     plan,
		FS:       rootfs.Options{TmpBytes: deref(r.lim.Tmp)},
		Rlimits:  r.lim.rlimits(cg.Mode()),
		Seccomp:  prog,
		Argv:     pythonArgv(plan.Python, code),
		Env:      pythonEnv(plan.Env),
		Hostname: "jailpy",
	}

	// The clone and the wait stay on one OS thread: see spawn.
	done := make(chan *Result, 1)
	go func() {
		runtime.LockOSThread()
		done <- r.jail(ctx, cg, cfg, job)
	}()
	return <-done
}

// jail starts the init, supervises the run and measures it.
func (r *run) jail(ctx context.Context, cg cgroup.Cgroup, cfg *initConfig, job []byte) *Result {
	c, err := spawn(cg, r.spec.UID, r.spec.GID, nil)
	if err != nil {
		return internalResult(err.Error())
	}
	defer c.close()
	start := time.Now()
	r.mu.Lock()
	r.proc = c.cmd.Process
	r.mu.Unlock()
	fault.Point("spawned")

	if r.spec.Observe != nil {
		ns, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", c.cmd.Process.Pid))
		r.spec.Observe(Started{Pid: c.cmd.Process.Pid, PidNS: ns, Cgroups: cg.Dirs()})
	}
	setupErr := r.setup(c, cg, cfg)
	go func() { // the wrapper reads it after exec; EPIPE if it died first
		c.job.Write(job)
		c.job.Close()
	}()
	stopWatch := r.watch(ctx, c.cmd.Process.Pid)
	over := func(stream string) func() {
		return func() { r.kill(killReason{Status: StatusOutput, Stream: stream}) }
	}
	stdout := startCapture(c.stdout, deref(r.lim.Output), over("stdout"))
	stderr := startCapture(c.stderr, deref(r.lim.Output), over("stderr"))
	// The frame may carry a traceback besides the value: allow for it.
	result := startCapture(c.result, deref(r.lim.Result)+maxErrorFrame, over("result"))

	var listener *seccomp.Listener
	if setupErr == "" {
		listener, setupErr = r.handshake(c)
	}
	if setupErr == "" {
		fault.Point("running")
	}
	state, _ := c.cmd.Process.Wait()
	fault.Point("waited")
	wall := time.Since(start)
	stopWatch()
	if listener != nil {
		listener.Close()
	}
	// Every stream has ended (the jail's processes are all gone), so every
	// output kill is recorded before the kill reason is read; the ones
	// that come after the exit are the captures' own.
	o := outcome{SetupErr: setupErr, ResultCap: deref(r.lim.Result), MemoryLimit: deref(r.lim.Memory)}
	o.Report = parseReport(result.wait())
	result.release() // the frame is parsed: let the GC have its bytes
	r.clk.mu.Lock()
	r.clk.marker, r.clk.lastResult = result.first, result.last
	r.clk.mu.Unlock()
	o.Stderr = stderr.text()
	stdoutText := stdout.text()
	r.mu.Lock()
	killed := r.killed
	r.mu.Unlock()
	cpu := o.measure(killed, state, cg)
	o.CPUOver = r.lim.CPU != nil && cpu >= *r.lim.CPU
	res := decide(o)
	res.Stdout, res.Stderr = stdoutText, o.Stderr
	res.WallMS = ms(wall)
	res.CPUMS = ms(cpu)
	res.Memory = o.MemoryPeak
	return res
}

// setup gets the started init ready to run: in its cgroup, with its bind
// sources and its config. It returns the failed step, if any, having
// killed the init.
func (r *run) setup(c *child, cg cgroup.Cgroup, cfg *initConfig) string {
	fail := func(what string, err error) string {
		r.kill(killReason{})
		return what + ": " + err.Error()
	}
	if err := cg.Add(c.cmd.Process.Pid); err != nil {
		return fail("cgroup", err)
	}
	if err := c.sendSources(cfg.Plan); err != nil {
		return fail("rootfs", err)
	}
	fault.Point("sources")
	if err := writeConfig(c, cfg); err != nil {
		return fail("send config to the init", err)
	}
	fault.Point("config")
	return ""
}

// watch starts the wall timer, the CPU watch and the interruption watch;
// the returned func stops them all.
func (r *run) watch(ctx context.Context, pid int) (stop func()) {
	done := make(chan struct{})
	var wall *time.Timer
	if d := r.lim.Wall; d != nil {
		wall = time.AfterFunc(*d, func() { r.kill(killReason{Status: StatusTimeout, Limit: "wall"}) })
	}
	if d := r.lim.CPU; d != nil {
		go watchCPU(pid, *d, deref(r.lim.Pids), done, func() {
			r.kill(killReason{Status: StatusTimeout, Limit: "cpu"})
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			r.kill(killReason{Status: StatusInternal, Message: "interrupted: jailpy was asked to stop"})
		case <-done:
		}
	}()
	return func() {
		r.mu.Lock()
		r.exited = true // a timer firing now would name a run already over
		r.mu.Unlock()
		if wall != nil {
			wall.Stop()
		}
		close(done)
	}
}

// setupTimeout bounds the init's work from clone to the exec of Python
// (milliseconds, normally).
const setupTimeout = 30 * time.Second

// maxErrorFrame is room in the result channel for an error frame's
// message and traceback (the wrapper clips them well below this).
const maxErrorFrame = 64 << 10

// handshake follows the init through its set-up: it returns the seccomp
// listener once the init has sent it and is serving it, or the failed
// stage. It returns when the init has exec'd the interpreter or died.
func (r *run) handshake(c *child) (*seccomp.Listener, string) {
	// Set-up is bounded even for a caller without a wall limit: an init
	// stuck before exec would otherwise hold the run forever.
	deadline := time.AfterFunc(setupTimeout, func() {
		r.kill(killReason{Status: StatusInternal, Message: fmt.Sprintf("the jail's set-up did not finish within %v", setupTimeout)})
	})
	defer deadline.Stop()
	var listener *seccomp.Listener
	for {
		msg, err := c.recvSync()
		if err != nil && r.killedForAReason() {
			return listener, "" // a timeout during set-up, say: that reason stands
		}
		if err != nil { // ECONNRESET: the init died with messages unread
			r.kill(killReason{})
			return listener, "the jail's init died during set-up (" + err.Error() + ")"
		}
		switch {
		case msg.EOF && listener == nil:
			// The init died before loading seccomp.
			if r.killedForAReason() {
				return nil, ""
			}
			return nil, "the jail's init died during set-up"
		case msg.EOF:
			return listener, ""
		case msg.Err != "":
			// Killed, not left to exit: after seccomp, its exit would wait
			// for a listener the parent may never get.
			r.kill(killReason{})
			return listener, "jail set-up failed at " + msg.Err
		case listener != nil:
			unix.Close(msg.Listener)
			r.kill(killReason{})
			return listener, "the init sent a second seccomp listener"
		}
		l, err := seccomp.NewListener(msg.Listener)
		if err != nil {
			r.kill(killReason{})
			return nil, "seccomp listener: " + err.Error()
		}
		listener = l
		r.clk.mu.Lock()
		r.clk.init = msg.Times
		r.clk.mu.Unlock()
		go r.supervise(l, c.cmd.Process.Pid)
	}
}

// killing reports whether jailpy has killed the run, for any reason.
func (r *run) killing() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.killed != nil
}

// killedForAReason reports whether the parent has ended the run for a
// reason the verdict will give (a timeout, say), rather than for a failed
// set-up step.
func (r *run) killedForAReason() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.killed != nil && r.killed.Status != ""
}

// supervise answers the seccomp notifications of one run: the init's one
// execve of the interpreter is allowed, and anything else the filter did
// not allow outright ends the run as a violation, a call whose thread died
// before it could be read ("unknown") included. Thread and process exits
// pass through here too (see seccomp.Listener.Next), so it must keep
// serving until the filter is done.
func (r *run) supervise(l *seccomp.Listener, initPid int) {
	execed := false
	for {
		ev, err := l.Next()
		if err == seccomp.ErrDone {
			return
		}
		if err != nil {
			r.kill(killReason{Status: StatusInternal, Message: "seccomp listener: " + err.Error()})
			return
		}
		if !execed {
			switch {
			case ev.Lost:
				continue // only the init runs: its execve, interrupted and restarted
			case ev.Name == "execve" && ev.PID == initPid:
				// ENOENT: interrupted again; its restart notifies anew.
				execed = l.Allow(ev) == nil
				if execed {
					r.clk.set(&r.clk.execAllowed)
				}
				continue
			}
		}
		if ev.Lost && r.killing() {
			// Withdrawn because jailpy's kill took its thread: evidence
			// of nothing (exits pass the listener too), and the call never
			// ran. Without a kill, a lost call is a violation.
			continue
		}
		r.kill(killReason{Status: StatusViolation, Syscall: ev.Name})
		l.Deny(ev, unix.EPERM)
	}
}

// writeConfig sends the init its instructions and closes the pipe: the
// init starts work at EOF.
func writeConfig(c *child, cfg *initConfig) error {
	data, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	_, err = c.config.Write(data)
	if cerr := c.config.Close(); err == nil {
		err = cerr
	}
	return err
}

// ms is a duration in milliseconds, rounded to a microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
