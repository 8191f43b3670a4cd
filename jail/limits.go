package jail

import (
	"math"
	"time"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/cgroup"
)

// Limits bound one run. A nil field is not enforced; DefaultLimits gives
// the values the command line uses. This file is the one place that maps
// them to rlimits and cgroup values.
type Limits struct {
	Wall   *time.Duration // wall clock from the jail's start to its end
	CPU    *time.Duration // CPU time of every thread together
	Memory *int64         // bytes of memory (cgroup memory.max, swap 0)
	Pids   *int64         // processes + threads
	Output *int64         // bytes of each of stdout and stderr kept; more is an output verdict
	Result *int64         // bytes of the returned value's JSON
	Tmp    *int64         // bytes of the writable /tmp, and the largest file (RLIMIT_FSIZE)
	Files  *int64         // open file descriptors (RLIMIT_NOFILE)
	Stack  *int64         // bytes of the main thread's stack (RLIMIT_STACK)
}

// DefaultLimits returns the limits `jailpy exec` uses when no flag says
// otherwise.
func DefaultLimits() Limits {
	return Limits{
		Wall:   ptr(5 * time.Second),
		CPU:    ptr(5 * time.Second),
		Memory: ptr[int64](256 << 20),
		Pids:   ptr[int64](16),
		Output: ptr[int64](64 << 10),
		Result: ptr[int64](1 << 20),
		Tmp:    ptr[int64](16 << 20),
		Files:  ptr[int64](64),
		Stack:  ptr[int64](8 << 20),
	}
}

func ptr[T any](v T) *T { return &v }

// rlimit is one resource limit the init sets before exec.
type rlimit struct {
	Resource int    `json:"resource"`
	Cur      uint64 `json:"cur"`
	Max      uint64 `json:"max"`
}

// rlimits maps the limits to the rlimits the init applies. They are the
// backstop: the cgroup is the real bound when there is one. Where there is
// none, RLIMIT_DATA bounds memory (not RLIMIT_AS, which counts reservations
// and breaks threads and JIT runtimes) and RLIMIT_NPROC bounds threads.
func (l Limits) rlimits(cg cgroup.Mode) []rlimit {
	set := func(res int, v uint64) rlimit { return rlimit{Resource: res, Cur: v, Max: v} }
	out := []rlimit{
		set(unix.RLIMIT_CORE, 0),     // a crash must not write a core file anywhere
		set(unix.RLIMIT_MEMLOCK, 0),  // nothing in the jail needs locked memory
		set(unix.RLIMIT_MSGQUEUE, 0), // no POSIX message queues
	}
	if l.Tmp != nil {
		out = append(out, set(unix.RLIMIT_FSIZE, uint64(*l.Tmp)))
	}
	if l.Files != nil {
		out = append(out, set(unix.RLIMIT_NOFILE, uint64(*l.Files)))
	}
	if l.Stack != nil {
		out = append(out, set(unix.RLIMIT_STACK, uint64(*l.Stack)))
	}
	if l.CPU != nil {
		// Whole seconds only: the parent's own timer enforces the precise
		// limit; this one catches a parent that is gone or stuck. SIGXCPU
		// at the soft limit, SIGKILL one second later.
		secs := uint64(math.Ceil(l.CPU.Seconds())) + 1
		out = append(out, rlimit{Resource: unix.RLIMIT_CPU, Cur: secs, Max: secs + 1})
	}
	if cg == cgroup.None {
		if l.Memory != nil {
			out = append(out, set(unix.RLIMIT_DATA, uint64(*l.Memory)))
		}
		if l.Pids != nil {
			out = append(out, set(unix.RLIMIT_NPROC, uint64(*l.Pids)))
		}
	}
	return out
}

// cgroupLimits maps the limits to the cgroup's.
func (l Limits) cgroupLimits() cgroup.Limits {
	var c cgroup.Limits
	if l.Memory != nil {
		c.MemoryBytes = *l.Memory
	}
	if l.Pids != nil {
		c.Pids = *l.Pids
	}
	return c
}

// enforced reports the limits as the verdict shows them.
func (l Limits) enforced(cg cgroup.Mode, note string) Enforced {
	val := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	ms := func(d *time.Duration) int64 {
		if d == nil {
			return 0
		}
		return d.Milliseconds()
	}
	return Enforced{
		TimeoutMS: ms(l.Wall), CPUMS: ms(l.CPU),
		MemoryBytes: val(l.Memory), Pids: val(l.Pids),
		OutputBytes: val(l.Output), ResultBytes: val(l.Result), TmpBytes: val(l.Tmp),
		Cgroup: string(cg), CgroupNote: note,
	}
}
