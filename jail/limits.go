package jail

import (
	"time"

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

// deref is *p, or the zero value for an unset limit.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Unstarted is how a verdict shows the limits of a run that never
// started (jailpy refused it before any jail was made): as they would
// have been, under no cgroup, and note says why.
func (l Limits) Unstarted(note string) Enforced { return l.enforced(cgroup.None, note) }
