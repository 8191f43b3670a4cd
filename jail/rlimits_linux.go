package jail

import (
	"math"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/cgroup"
)

// addressSpaceRoom is RLIMIT_AS beyond the memory limit in a run without a
// cgroup: 16 threads' 8 MiB stacks, two 64 MiB malloc arenas (see
// MALLOC_ARENA_MAX in pythonEnv) and the interpreter's mappings fit.
const addressSpaceRoom = 512 << 20

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
		// Whole seconds only: the parent's own watch enforces the precise
		// limit; this one catches a parent that is gone or stuck. Soft =
		// hard: the soft limit's SIGXCPU would be ignored anyway (pid 1 of
		// a pid namespace ignores signals it has no handler for), the hard
		// limit's SIGKILL is not.
		out = append(out, set(unix.RLIMIT_CPU, uint64(math.Ceil(l.CPU.Seconds()))+1))
	}
	if cg == cgroup.None {
		if l.Memory != nil {
			// RLIMIT_DATA bounds private memory at the limit; shared
			// mappings escape it, so RLIMIT_AS bounds everything at the
			// limit plus room for what address space costs without being
			// memory (thread stacks, malloc arenas, libraries). The parent
			// turns any peak over the limit into a memory verdict.
			out = append(out, set(unix.RLIMIT_DATA, uint64(*l.Memory)))
			out = append(out, set(unix.RLIMIT_AS, uint64(*l.Memory)+addressSpaceRoom))
		}
		if l.Pids != nil {
			out = append(out, set(unix.RLIMIT_NPROC, uint64(*l.Pids)))
		}
	}
	return out
}
