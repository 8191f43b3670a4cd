package cgroup

import (
	"errors"
	"fmt"
	"strconv"

	cgroups "github.com/containerd/cgroups/v3"
)

// A process gets into a run cgroup one of three ways, cheapest first:
//
//   - v2: clone3(CLONE_INTO_CGROUP) with FD. Born inside, no migration.
//   - v1: EnterThread. The cloning thread steps in, the child is born
//     inside, the thread steps out. A thread moving itself ("0" written to
//     tasks) is the one migration the kernel does without write-locking
//     the global cgroup_threadgroup_rwsem.
//   - Add: a write to cgroup.procs. That takes the rwsem for writing, and
//     the first time in a process this waits for an RCU grace period:
//     8-20 ms per run measured here, more than everything else together.
//     The child also runs outside until the write is done.

// EnterThread moves the calling thread into a v1 run cgroup. Within it,
// fork and clone check the pids limit against the thread too: pids.max
// must be at least 2.
func (g *group) EnterThread() (leave func() error, err error) {
	if g.mode != V1 {
		return func() error { return nil }, nil
	}
	for i, dir := range g.dirs {
		if err := writeFile(dir+"/tasks", "0"); err != nil {
			// Put back what moved, if anything did.
			if lerr := g.moveThread(g.homes[:i]); lerr != nil {
				err = errors.Join(err, lerr)
			}
			return nil, fmt.Errorf("cgroup v1: enter thread: %w", err)
		}
	}
	return func() error {
		if err := g.moveThread(g.homes); err != nil {
			return fmt.Errorf("cgroup v1: leave thread: %w", err)
		}
		return nil
	}, nil
}

// moveThread moves the calling thread into the cgroup dirs.
func (g *group) moveThread(dirs []string) error {
	var errs []error
	for _, dir := range dirs {
		errs = append(errs, writeFile(dir+"/tasks", "0"))
	}
	return errors.Join(errs...)
}

// Add writes pid to cgroup.procs unless the process is inside already
// (born there through FD or EnterThread): the write would change nothing
// and could cost a grace period.
func (g *group) Add(pid int) error {
	if pid <= 0 {
		return fmt.Errorf("cgroup %s: add: bad pid %d", g.mode, pid)
	}
	if g.holds(pid) {
		return nil
	}
	for _, dir := range g.dirs {
		if err := writeFile(dir+"/cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("cgroup %s: add pid %d: %w", g.mode, pid, err)
		}
	}
	return nil
}

// holds says whether /proc/<pid>/cgroup puts pid in every directory of
// the run cgroup. Any doubt says no, and Add writes.
func (g *group) holds(pid int) bool {
	v1, v2, err := cgroups.ParseCgroupFileUnified("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil || len(g.seen) == 0 {
		return false
	}
	for ctl, want := range g.seen {
		have := v2
		if ctl != "" {
			have = v1[ctl]
		}
		if have != want {
			return false
		}
	}
	return true
}
