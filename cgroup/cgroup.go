// Package cgroup gives one jail run a cgroup of its own: memory and pids
// limits, peak memory and OOM-kill counts, a kill of every process in it,
// and its removal.
//
// Two backends sit behind one interface. cgroup v2: one directory; the child
// is created inside it by clone3(CLONE_INTO_CGROUP) through FD, so it never
// runs an instruction outside. cgroup v1: one directory in each of the memory
// and pids hierarchies, nested in this process's own cgroups so the host
// app's limits still contain the jail; the child is born inside too, cloned
// from a thread that EnterThread moved in (Add, after start, is the slow
// fallback).
// When neither works, auto mode returns a None cgroup that says why, and the
// jail falls back to rlimits.
//
// Run cgroups are named jailpy-<pid>-<starttime>-<random> after the jailpy
// process that made them, so Reap, run at every start, removes what a
// crashed jailpy left behind and never a live run's.
//
// Only the root package of containerd/cgroups is used (mode detection,
// /proc/self/cgroup parsing). Its cgroup1 and cgroup2 packages link
// protobuf, dbus, logrus and cilium/ebpf, which cost about 1.4 ms on every
// exec of the binary (twice per run: the CLI and the re-executed init); what
// they would do here is a mkdir and a few writes, so this package does that
// itself and controls every path it opens.
package cgroup

import (
	"errors"
	"fmt"
	"path/filepath"
)

// Mode is the cgroup backend a run got.
type Mode string

const (
	V2   Mode = "v2"   // cgroup v2: one directory, the child is cloned into it
	V1   Mode = "v1"   // cgroup v1: memory and pids hierarchies, the child is added after start
	None Mode = "none" // no cgroup: rlimits are the only bound
)

// Options say which cgroup mode the caller wants and where run cgroups live.
type Options struct {
	// Want is "auto" (v2 if usable, else v1, else none), "v2", "v1" or
	// "none"; "" means auto. An explicit v2 or v1 fails rather than fall back.
	Want string
	// Parent is the cgroup under which run cgroups are created, as an
	// absolute cgroup path: for v2 relative to the cgroup2 mount (a
	// delegated cgroup when not root), for v1 relative to each of the memory
	// and pids mounts. It must exist. "" means the default: /jailpy under
	// the v2 root (root only), or a jailpy directory in this process's own
	// v1 cgroups.
	Parent string
}

// Limits bound one run. Zero means unset.
type Limits struct {
	// MemoryBytes is memory.max (v2) or memory.limit_in_bytes (v1). Swap
	// is pinned to zero: memory.swap.max=0, or memory.memsw.limit_in_bytes
	// equal to the limit when v1 swap accounting exists.
	MemoryBytes int64
	// Pids is pids.max: processes and threads together.
	Pids int64
}

// Stats are what the verdict reports from the cgroup.
type Stats struct {
	// MemoryPeak is the most memory the run used, in bytes: v2 memory.peak
	// (0 on kernels before 5.19, which lack it), v1
	// memory.max_usage_in_bytes (page cache included).
	MemoryPeak uint64
	// OOMKills counts processes the kernel's OOM killer killed in the run:
	// oom_kill of v2 memory.events or of v1 memory.oom_control.
	OOMKills uint64
}

// Cgroup is the cgroup of one run. Kill may be called from another
// goroutine while the run goes on; Delete ends its life.
type Cgroup interface {
	// Mode is the backend in use.
	Mode() Mode
	// FD is an open O_DIRECTORY descriptor of the v2 run cgroup, for
	// SysProcAttr.UseCgroupFD/CgroupFD; -1 for v1, None, or after Delete.
	// It stays owned by the Cgroup: do not close it.
	FD() int
	// EnterThread moves the calling OS thread into a v1 run cgroup so the
	// child it clones next is born inside, and returns leave, which moves
	// the thread back. It is v1's CLONE_INTO_CGROUP, and costs ~0.1 ms
	// where Add costs an RCU grace period (8-20 ms). On v2 (use FD) and
	// None it does nothing.
	//
	// Preconditions: the goroutine is locked to its thread
	// (runtime.LockOSThread) from before EnterThread until leave returns,
	// so that nothing but the child is cloned from the thread meanwhile
	// (Go's runtime clones no threads from a locked one); pids.max is at
	// least 2, since the thread counts while inside. If leave fails the
	// thread is stuck inside: keep it locked and let the goroutine exit,
	// so the runtime ends the thread.
	EnterThread() (leave func() error, err error)
	// Add moves a process into the run cgroup, with a write to
	// cgroup.procs: for a child started without FD or EnterThread, right
	// after start and before it runs anything untrusted or forks. It
	// returns at once, writing nothing, for a process inside already.
	// No-op for None.
	Add(pid int) error
	// Stats reads the peak memory and the OOM kills; call it before
	// Delete. It reads two small files and nothing else.
	Stats() (Stats, error)
	// Kill SIGKILLs every process in the run cgroup: cgroup.kill on v2
	// (race-free against fork), else each pid of cgroup.procs, again until
	// the list is empty. It does not wait(2) for anything: the caller keeps
	// its child's exit status. No-op for None.
	Kill() error
	// Delete kills what is left and removes every directory of the run
	// cgroup, retrying briefly while killed tasks leave. It is idempotent.
	Delete() error
	// Path names the run cgroup's directories, for messages.
	Path() string
	// Dirs lists the run cgroup's directories (none for None), so a
	// supervisor can check afterwards that they are gone.
	Dirs() []string
	// Reason says why this mode and not a better one: empty when the
	// caller got the mode it asked for, or v2 under auto; otherwise why v2
	// (and, for None, v1) could not be used. The verdict and doctor show it.
	Reason() string
}

// auto is the Want that tries v2, then v1, then none.
const auto Mode = "auto"

// want parses Options.Want.
func (o Options) want() (Mode, error) {
	switch o.Want {
	case "", string(auto):
		return auto, nil
	case string(V2), string(V1), string(None):
		return Mode(o.Want), nil
	}
	return "", fmt.Errorf("cgroup: unknown mode %q (want auto, v2, v1 or none)", o.Want)
}

// check rejects a Parent that could name a path outside the cgroup mounts:
// run cgroup paths are built from it and from our own names only.
func (o Options) check() error {
	if o.Parent == "" {
		return nil
	}
	if !filepath.IsAbs(o.Parent) || filepath.Clean(o.Parent) != o.Parent {
		return fmt.Errorf("cgroup: parent %q must be a clean absolute cgroup path such as /jailpy", o.Parent)
	}
	return nil
}

// check rejects negative limits, which would otherwise read as unset.
func (l Limits) check() error {
	if l.MemoryBytes < 0 || l.Pids < 0 {
		return errors.New("cgroup: negative limit")
	}
	return nil
}

// none is the Cgroup of a run without one.
type none struct{ reason string }

func (none) Mode() Mode                         { return None }
func (none) FD() int                            { return -1 }
func (none) EnterThread() (func() error, error) { return func() error { return nil }, nil }
func (none) Add(int) error                      { return nil }
func (none) Stats() (Stats, error)              { return Stats{}, nil }
func (none) Kill() error                        { return nil }
func (none) Delete() error                      { return nil }
func (none) Path() string                       { return "" }
func (none) Dirs() []string                     { return nil }
func (n none) Reason() string                   { return n.reason }
