package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// deleteTimeout bounds how long Kill and Delete wait for killed tasks to
// leave. SIGKILLed tasks normally go within milliseconds; only one stuck
// in the kernel (D state) takes longer, and the next Reap catches it.
const deleteTimeout = 2 * time.Second

// group is a v1 or v2 run cgroup: the directories we made, nothing else.
type group struct {
	mode   Mode
	dirs   []string // v2: the one directory; v1: memory, then pids
	memory string   // the directory holding memory.* files; "" without the controller
	owned  []string // v1 default parents: removed, when empty, after the run's
	homes  []string // v1: this process's own cgroups, where EnterThread's leave returns
	// seen is the run cgroup as /proc/<pid>/cgroup names it, by
	// controller ("" for v2), so Add can tell a process already inside.
	seen   map[string]string
	reason string

	mu      sync.Mutex // guards fd and deleted
	fd      int
	deleted bool
}

func (g *group) Mode() Mode     { return g.mode }
func (g *group) Path() string   { return strings.Join(g.dirs, ", ") }
func (g *group) Reason() string { return g.reason }
func (g *group) Dirs() []string { return slices.Clone(g.dirs) }

func (g *group) FD() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.fd
}

func (g *group) Kill() error {
	if err := kill(g.mode, g.dirs, time.Now().Add(deleteTimeout)); err != nil {
		return fmt.Errorf("cgroup %s: kill: %w", g.mode, err)
	}
	return nil
}

func (g *group) Delete() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.deleted {
		return nil
	}
	if g.fd >= 0 {
		unix.Close(g.fd)
		g.fd = -1
	}
	deadline := time.Now().Add(deleteTimeout)
	errs := []error{kill(g.mode, g.dirs, deadline)}
	for _, dir := range g.dirs {
		errs = append(errs, removeDir(g.mode, dir, deadline))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cgroup %s: delete: %w", g.mode, err)
	}
	g.deleted = true
	for _, parent := range g.owned {
		// Fails with EBUSY while another run uses it; that run removes it.
		unix.Rmdir(parent)
	}
	return nil
}

// undo removes what a failed create made. Nothing ran in it yet.
func (g *group) undo() {
	if g.fd >= 0 {
		unix.Close(g.fd)
	}
	for _, dir := range g.dirs {
		unix.Rmdir(dir)
	}
	for _, parent := range g.owned {
		unix.Rmdir(parent)
	}
}

// kill SIGKILLs every process in the cgroups of dirs. v2 has cgroup.kill
// since Linux 5.14: one write, and the kernel stops forks racing it.
// Without it, kill goes through the pids one by one.
func kill(mode Mode, dirs []string, deadline time.Time) error {
	if mode == V2 {
		err := writeFile(dirs[0]+"/cgroup.kill", "1")
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return killProcs(dirs, deadline)
}

// killProcs SIGKILLs the processes listed in cgroup.procs until the lists
// are empty: a process may fork between our read and our signal, and its
// child only shows in the next read; killed ones stay listed until they
// have exited. Zombies are not listed, so this never waits on the caller
// reaping its own child.
func killProcs(dirs []string, deadline time.Time) error {
	delay := 50 * time.Microsecond
	for {
		left := 0
		for _, dir := range dirs {
			n, err := signalListed(dir)
			if err != nil {
				return err
			}
			left += n
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d processes still in %s after %v", left, strings.Join(dirs, ", "), deleteTimeout)
		}
		time.Sleep(delay)
		delay = min(2*delay, 10*time.Millisecond)
	}
}

// signalListed SIGKILLs the processes of one cgroup and returns how many
// were listed. A pid read from cgroup.procs may belong to someone else by
// the time we signal it, so each is pinned with a pidfd first and only
// signalled if the cgroup still lists it after the pidfd exists: then the
// pidfd can only name that member (or a dead process, which ignores it).
func signalListed(dir string) (int, error) {
	pids, err := readProcs(dir)
	self := os.Getpid()
	// Never this process: one of its threads is listed while it sits in
	// the run cgroup between EnterThread and leave.
	pids = slices.DeleteFunc(pids, func(pid int) bool { return pid == self })
	if err != nil || len(pids) == 0 {
		return 0, err
	}
	fds := make(map[int]int, len(pids))
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
pin:
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		switch {
		case err == nil:
			fds[pid] = fd
		case errors.Is(err, unix.ENOSYS):
			fds[pid] = -1 // before Linux 5.3: kill(2), with the small pid-reuse race
		case errors.Is(err, unix.EMFILE), errors.Is(err, unix.ENFILE):
			break pin // out of descriptors: signal these, the rest next round
		}
	}
	still, err := readProcs(dir)
	if err != nil {
		return 0, err
	}
	for _, pid := range still {
		fd, ok := fds[pid]
		switch {
		case !ok:
			// Joined since the first read: next round.
		case fd >= 0:
			unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		default:
			unix.Kill(pid, unix.SIGKILL)
		}
	}
	return len(pids), nil
}

// removeDir removes one run cgroup directory. EBUSY means tasks are still
// leaving (or one forked after the kill): kill again and retry until the
// deadline. A directory already gone counts as removed.
func removeDir(mode Mode, dir string, deadline time.Time) error {
	delay := 50 * time.Microsecond
	for {
		err := unix.Rmdir(dir)
		switch {
		case err == nil, errors.Is(err, unix.ENOENT):
			return nil
		case !errors.Is(err, unix.EBUSY):
			return &os.PathError{Op: "rmdir", Path: dir, Err: err}
		case time.Now().After(deadline):
			return fmt.Errorf("rmdir %s: %w: tasks still in it after %v", dir, err, deleteTimeout)
		}
		if err := kill(mode, []string{dir}, deadline); err != nil {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 20*time.Millisecond)
	}
}
