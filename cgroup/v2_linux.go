package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	cgroups "github.com/containerd/cgroups/v3"
	"golang.org/x/sys/unix"
)

// v2Controllers are the controllers a v2 run cgroup must have: memory for
// memory.max, memory.peak and memory.events, pids for pids.max.
var v2Controllers = []string{"memory", "pids"}

// v2Layout says where v2 run cgroups go.
type v2Layout struct {
	mount  string // the cgroup2 mount: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host
	parent string // the parent cgroup of runs, relative to mount
	// owned is the default parent /jailpy: made on demand, with the
	// controllers enabled on the way down from the root. It stays, as a
	// slice would: every run needs it, and it holds nothing of the host's.
	owned bool
	need  []string // controllers every run cgroup must get
}

// dir is the parent's directory.
func (l v2Layout) dir() string { return path.Join(l.mount, l.parent) }

// v2Mount returns the cgroup2 mount that could hold our controllers.
func v2Mount() (string, error) {
	switch cgroups.Mode() {
	case cgroups.Unified:
		return "/sys/fs/cgroup", nil
	case cgroups.Hybrid:
		return "/sys/fs/cgroup/unified", nil
	case cgroups.Legacy:
		return "", errors.New("cgroup v2: not mounted (cgroup v1 only host)")
	}
	return "", errors.New("cgroup v2: /sys/fs/cgroup is not mounted")
}

// probeV2 finds the v2 layout for opts without changing anything.
func probeV2(opts Options) (v2Layout, error) { return probeV2For(opts, v2Controllers) }

// probeV2For is probeV2 for other controllers: tests on a cgroup2 mount
// without any ask for none.
func probeV2For(opts Options, need []string) (v2Layout, error) {
	mount, err := v2Mount()
	if err != nil {
		return v2Layout{}, err
	}
	l := v2Layout{mount: mount, parent: opts.Parent, need: need}
	root := os.Geteuid() == 0
	if opts.Parent == "" {
		if !root {
			return l, errors.New("cgroup v2: not root and no --cgroup-parent; see jailpy doctor")
		}
		l.parent, l.owned = "/jailpy", true
		// The root cgroup offers every controller the kernel has bound to
		// v2, and may enable them with processes in it.
		if err := hasControllers(mount+"/cgroup.controllers", l.need); err != nil {
			if cgroups.Mode() == cgroups.Hybrid {
				err = fmt.Errorf("%w (hybrid host: they are bound to cgroup v1)", err)
			}
			return l, err
		}
		if err := unix.Access(mount, unix.W_OK); err != nil {
			return l, fmt.Errorf("cgroup v2: cannot create %s: %w", l.dir(), err)
		}
		return l, canEnable(mount, l.need)
	}
	dir := l.dir()
	if err := checkDir(dir, unix.CGROUP2_SUPER_MAGIC); err != nil {
		return l, fmt.Errorf("cgroup v2: parent: %w", err)
	}
	if err := hasControllers(dir+"/cgroup.controllers", l.need); err != nil {
		return l, fmt.Errorf("%w (the parent's parent does not delegate it)", err)
	}
	if err := canEnable(dir, l.need); err != nil {
		return l, err
	}
	if !root {
		return l, checkDelegation(mount, opts.Parent)
	}
	return l, nil
}

// hasControllers fails with the controllers of need a file lacks.
func hasControllers(file string, need []string) error {
	off, err := missing(file, need)
	if err != nil {
		return fmt.Errorf("cgroup v2: %w", err)
	}
	if len(off) == 0 {
		return nil
	}
	return fmt.Errorf("cgroup v2: no %s controller in %s", strings.Join(off, ", "), file)
}

// canEnable fails when controllers that dir's cgroup.subtree_control
// lacks could not be turned on: the no-internal-process rule refuses while
// dir itself holds processes. Only the real root, the one cgroup without a
// cgroup.type file, is exempt; a cgroup namespace's root is not.
func canEnable(dir string, need []string) error {
	off, err := missing(dir+"/cgroup.subtree_control", need)
	if err != nil {
		return fmt.Errorf("cgroup v2: %w", err)
	}
	if len(off) == 0 {
		return nil
	}
	if _, err := os.Lstat(dir + "/cgroup.type"); err != nil {
		return nil
	}
	if pids, _ := readProcs(dir); len(pids) > 0 {
		return fmt.Errorf("cgroup v2: no %s controller in %s/cgroup.subtree_control, and it cannot be enabled while %s holds processes (no-internal-process rule): move them to a leaf cgroup or pass --cgroup-parent", strings.Join(off, ", "), dir, dir)
	}
	return nil
}

// checkDelegation checks, for a non-root jailpy, the two writes a run
// needs beyond the mkdir: the parent's cgroup.subtree_control, to enable
// controllers, and the cgroup.procs of the nearest common ancestor of this
// process's cgroup and the parent, which the kernel requires to move a
// process between them, clone3(CLONE_INTO_CGROUP) included. (The run
// cgroup's own cgroup.procs is ours: we made it.)
func checkDelegation(mount, parent string) error {
	_, own, err := cgroups.ParseCgroupFileUnified("/proc/self/cgroup")
	if err != nil {
		return fmt.Errorf("cgroup v2: /proc/self/cgroup: %w", err)
	}
	common := parent
	for common != "/" && own != common && !strings.HasPrefix(own, common+"/") {
		common = path.Dir(common)
	}
	for _, f := range []string{path.Join(mount, parent, "cgroup.subtree_control"), path.Join(mount, common, "cgroup.procs")} {
		if err := unix.Access(f, unix.W_OK); err != nil {
			return fmt.Errorf("cgroup v2: %s not writable by uid %d (%v): parent %s is not delegated to this user, or jailpy runs outside it (this process is in %s)", f, os.Geteuid(), err, parent, own)
		}
	}
	return nil
}

// prepare enables the needed controllers on the way to the parent,
// making the default parent if needed. It reads before it writes: on
// every run but the first there is nothing to write.
func (l v2Layout) prepare() error {
	if l.owned {
		if err := enable(l.mount, l.need); err != nil {
			return err
		}
		if err := os.Mkdir(l.dir(), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cgroup v2: %w", err)
		}
	}
	return enable(l.dir(), l.need)
}

// enable turns controllers on in dir's cgroup.subtree_control.
func enable(dir string, need []string) error {
	file := dir + "/cgroup.subtree_control"
	off, err := missing(file, need)
	if err != nil || len(off) == 0 {
		return err
	}
	err = writeFile(file, "+"+strings.Join(off, " +"))
	if errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("cgroup v2: no %s controller in %s: %w (the cgroup holds processes: no-internal-process rule)", strings.Join(off, ", "), file, err)
	}
	if err != nil {
		return fmt.Errorf("cgroup v2: no %s controller in %s: %w", strings.Join(off, ", "), file, err)
	}
	return nil
}

// createV2 makes a v2 run cgroup, writes its limits and opens its FD. On
// any error nothing is left behind.
func createV2(l v2Layout, lim Limits, reason string) (*group, error) {
	if err := l.prepare(); err != nil {
		return nil, err
	}
	name, err := newRunName()
	if err != nil {
		return nil, err
	}
	dir := l.dir() + "/" + name
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	g := &group{mode: V2, dirs: []string{dir}, fd: -1, reason: reason,
		seen: map[string]string{"": path.Join(l.parent, name)}}
	if slices.Contains(l.need, "memory") {
		g.memory = dir
	}
	if err := setV2Limits(dir, lim, l.need); err != nil {
		g.undo()
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	g.fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		g.fd = -1
		g.undo()
		return nil, fmt.Errorf("cgroup v2: open %s: %w", dir, err)
	}
	return g, nil
}

// setV2Limits writes the limits of a new v2 run cgroup.
func setV2Limits(dir string, lim Limits, need []string) error {
	mem, pids := slices.Contains(need, "memory"), slices.Contains(need, "pids")
	if (lim.MemoryBytes > 0 && !mem) || (lim.Pids > 0 && !pids) {
		return errors.New("a limit was asked for without its controller")
	}
	if mem {
		if lim.MemoryBytes > 0 {
			if err := writeFile(dir+"/memory.max", strconv.FormatInt(lim.MemoryBytes, 10)); err != nil {
				return err
			}
		}
		// Swap would let the run hold more than memory.max. The file is
		// absent without swap accounting, and then there is nothing to pin.
		if err := writeFile(dir+"/memory.swap.max", "0"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// One OOM kill takes the whole run: no half-dead process tree.
		if err := writeFile(dir+"/memory.oom.group", "1"); err != nil {
			return err
		}
	}
	if pids && lim.Pids > 0 {
		return writeFile(dir+"/pids.max", strconv.FormatInt(lim.Pids, 10))
	}
	return nil
}
