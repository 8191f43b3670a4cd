package cgroup

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"

	cgroups "github.com/containerd/cgroups/v3"
	"golang.org/x/sys/unix"
)

// v1Hierarchies are the only v1 hierarchies a run uses: every other one
// would cost a mkdir and an rmdir per run and bound nothing we need.
var v1Hierarchies = [2]string{"memory", "pids"}

// v1Layout says where v1 run cgroups go: one parent per hierarchy. Arrays
// are in v1Hierarchies order.
type v1Layout struct {
	parents [2]string // absolute directories
	seen    [2]string // the parents as /proc/<pid>/cgroup names them
	homes   [2]string // this process's own cgroup directories
	// owned parents are our own "jailpy" directories inside this
	// process's cgroups: made on demand, removed when the last run leaves,
	// so they never keep the host app's cgroup from being removed.
	owned bool
}

// v1Mount is where one v1 hierarchy is mounted, and which cgroup of the
// hierarchy that mount shows at its top (not "/" inside some containers).
type v1Mount struct{ point, root string }

// probeV1 finds the v1 layout for opts without changing anything.
func probeV1(opts Options) (v1Layout, error) {
	var l v1Layout
	switch cgroups.Mode() {
	case cgroups.Legacy, cgroups.Hybrid:
	case cgroups.Unified:
		return l, errors.New("cgroup v1: not mounted (/sys/fs/cgroup is cgroup v2 only)")
	default:
		return l, errors.New("cgroup v1: /sys/fs/cgroup is not mounted")
	}
	facts, err := v1Facts()
	if err != nil {
		return l, err
	}
	own := facts.own
	for i, name := range v1Hierarchies {
		m, ok := facts.mounts[name]
		if !ok {
			return l, fmt.Errorf("cgroup v1: no %s hierarchy mounted", name)
		}
		rel, ok := under(m.root, own[name])
		if !ok {
			return l, fmt.Errorf("cgroup v1: this process's %s cgroup %q is outside the mount at %s", name, own[name], m.point)
		}
		l.homes[i] = path.Join(m.point, rel)
		if opts.Parent != "" {
			l.parents[i] = path.Join(m.point, opts.Parent)
			l.seen[i] = path.Join(m.root, opts.Parent)
			if err := checkDir(l.parents[i], unix.CGROUP_SUPER_MAGIC); err != nil {
				return l, fmt.Errorf("cgroup v1: parent: %w", err)
			}
			continue
		}
		if err := unix.Access(l.homes[i], unix.W_OK); err != nil {
			return l, fmt.Errorf("cgroup v1: cannot create cgroups in %s: %w", l.homes[i], err)
		}
		l.parents[i] = l.homes[i] + "/jailpy"
		l.seen[i] = path.Join(own[name], "jailpy")
	}
	l.owned = opts.Parent == ""
	return l, nil
}

// under returns cgroup path p relative to a mount that shows cgroup root
// at its top, and whether p is inside that mount at all.
func under(root, p string) (string, bool) {
	switch {
	case !strings.HasPrefix(p, "/"):
		return "", false
	case root == "/" || p == root:
		return strings.TrimPrefix(p, root), true
	}
	rest, ok := strings.CutPrefix(p, root+"/")
	return "/" + rest, ok
}

// v1Info is where the v1 hierarchies are mounted and which of their
// cgroups this process is in.
type v1Info struct {
	mounts map[string]v1Mount
	own    map[string]string
}

// v1Facts reads v1Info once per process: /proc/self/mountinfo alone costs
// ~60 µs, Reap and New both need it, and neither changes under a jailpy
// (nothing moves it between cgroups).
var v1Facts = sync.OnceValues(func() (v1Info, error) {
	mounts, err := v1Mounts()
	if err != nil {
		return v1Info{}, fmt.Errorf("cgroup v1: %w", err)
	}
	own, _, err := cgroups.ParseCgroupFileUnified("/proc/self/cgroup")
	if err != nil {
		return v1Info{}, fmt.Errorf("cgroup v1: /proc/self/cgroup: %w", err)
	}
	return v1Info{mounts, own}, nil
})

// v1Mounts reads /proc/self/mountinfo for the v1 hierarchies we use.
func v1Mounts() (map[string]v1Mount, error) {
	out := map[string]v1Mount{}
	err := eachV1Mount(func(m v1Mount, opts []string) {
		for _, opt := range opts {
			for _, name := range v1Hierarchies {
				// containerd-style paths assume <root>/<name>; a hierarchy
				// mounted elsewhere (co-mounted, escaped names) is refused
				// rather than guessed at.
				if opt == name && path.Base(m.point) == name {
					out[name] = m
				}
			}
		}
	})
	return out, err
}

// eachV1Mount calls f with every cgroup v1 mount in /proc/self/mountinfo
// and its super options (the controllers, among others).
func eachV1Mount(f func(m v1Mount, opts []string)) error {
	file, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	defer file.Close()
	s := bufio.NewScanner(file)
	for s.Scan() {
		// id parent major:minor root mountpoint opts [optional...] - fstype source superopts
		pre, post, ok := strings.Cut(s.Text(), " - ")
		f1, f2 := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f1) < 5 || len(f2) < 3 || f2[0] != "cgroup" {
			continue
		}
		f(v1Mount{point: f1[4], root: f1[3]}, strings.Split(f2[2], ","))
	}
	return s.Err()
}

// checkDir makes sure an operator-given parent is a real directory of the
// right cgroup filesystem that we may create cgroups in.
func checkDir(dir string, magic int64) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return &os.PathError{Op: "statfs", Path: dir, Err: err}
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() || st.Type != magic {
		return fmt.Errorf("%s is not a cgroup directory", dir)
	}
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// createV1 makes a run cgroup in the memory and pids hierarchies and
// writes its limits. On any error nothing is left behind.
func createV1(l v1Layout, lim Limits, reason string) (*group, error) {
	name, err := newRunName()
	if err != nil {
		return nil, err
	}
	g := &group{mode: V1, fd: -1, reason: reason, homes: l.homes[:], seen: map[string]string{}}
	if l.owned {
		g.owned = l.parents[:]
	}
	for i, parent := range l.parents {
		dir := parent + "/" + name
		if err := mkdirRun(parent, dir, l.owned); err != nil {
			g.undo()
			return nil, fmt.Errorf("cgroup v1: %w", err)
		}
		g.dirs = append(g.dirs, dir)
		g.seen[v1Hierarchies[i]] = l.seen[i] + "/" + name
	}
	g.memory = g.dirs[0]
	if err := setV1Limits(g.dirs[0], g.dirs[1], lim); err != nil {
		g.undo()
		return nil, fmt.Errorf("cgroup v1: %w", err)
	}
	return g, nil
}

// mkdirRun makes a run cgroup's directory. An owned parent is made on
// demand, and made again if a concurrent run's Delete removed it between
// our two mkdirs.
func mkdirRun(parent, dir string, owned bool) error {
	for range 3 {
		err := os.Mkdir(dir, 0o755)
		if err == nil || !owned || !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := os.Mkdir(parent, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return os.Mkdir(dir, 0o755)
}

// setV1Limits writes the limits of a new v1 run cgroup.
func setV1Limits(mem, pids string, lim Limits) error {
	if lim.MemoryBytes > 0 {
		v := strconv.FormatInt(lim.MemoryBytes, 10)
		if err := writeFile(mem+"/memory.limit_in_bytes", v); err != nil {
			return err
		}
		// memsw bounds memory+swap: equal to the limit, no swap is left.
		// It is written second because it may never be below the limit.
		// Without swap accounting the file is absent; swappiness 0 then
		// keeps reclaim in this cgroup from swapping.
		err := writeFile(mem+"/memory.memsw.limit_in_bytes", v)
		if errors.Is(err, fs.ErrNotExist) {
			err = writeFile(mem+"/memory.swappiness", "0")
		}
		if err != nil {
			return err
		}
	}
	if lim.Pids > 0 {
		return writeFile(pids+"/pids.max", strconv.FormatInt(lim.Pids, 10))
	}
	return nil
}
