package cgroup

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testV2Layout is a v2 layout under whatever cgroup2 mount this host has,
// with no controllers: enough to test creation, CLONE_INTO_CGROUP, kill
// and delete on a hybrid host whose cgroup2 mount has none.
func testV2Layout(t *testing.T) v2Layout {
	t.Helper()
	requireRoot(t)
	mount, err := v2Mount()
	if err != nil {
		t.Skipf("needs a cgroup2 mount: %v", err)
	}
	l := v2Layout{mount: mount, parent: "/jailpy-test", owned: true}
	if _, err := os.Lstat(l.dir()); err == nil {
		t.Skipf("%s exists already", l.dir())
	}
	t.Cleanup(func() { os.Remove(l.dir()) })
	return l
}

func TestV2Mechanics(t *testing.T) {
	l := testV2Layout(t)
	g, err := createV2(l, Limits{}, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := g.dirs[0]
	if g.FD() < 0 {
		t.Fatal("no FD")
	}
	// The child starts inside: clone3 CLONE_INTO_CGROUP, no Add.
	cmd := exec.Command("/bin/sh", "-c", "sleep 30 & sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: g.FD()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !inCgroup(t, cmd.Process.Pid, dir) {
		t.Errorf("pid %d not in %s", cmd.Process.Pid, dir)
	}
	waitProcs(t, dir, 3)
	if s, err := g.Stats(); err != nil || s != (Stats{}) {
		t.Errorf("Stats without the memory controller = %+v, %v", s, err)
	}
	if err := g.Kill(); err != nil {
		t.Fatal(err)
	}
	waitKilled(t, cmd)
	if err := g.Delete(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, dir)
	if g.FD() != -1 || g.Delete() != nil {
		t.Error("Delete is not idempotent")
	}
}

// Kernels before 5.14 have no cgroup.kill: the pid-by-pid path must clear
// a tree, forks included, without waiting on the caller's child.
func TestV2KillWithoutCgroupKill(t *testing.T) {
	l := testV2Layout(t)
	g, err := createV2(l, Limits{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Delete()
	// Bounded: this cgroup has no pids controller. The kill races the forks.
	cmd := exec.Command("/bin/sh", "-c", "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: g.FD()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	if err := killProcs(g.dirs, time.Now().Add(deleteTimeout)); err != nil {
		t.Fatal(err)
	}
	waitKilled(t, cmd)
	if pids, _ := readProcs(g.dirs[0]); len(pids) != 0 {
		t.Errorf("left after killProcs: %v", pids)
	}
}

// Delete with tasks still dying: rmdir gets EBUSY and retries.
func TestV2DeleteWhileRunning(t *testing.T) {
	l := testV2Layout(t)
	g, err := createV2(l, Limits{}, "")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", "-c", "sleep 30 & sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: g.FD()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitProcs(t, g.dirs[0], 3)
	if err := g.Delete(); err != nil {
		t.Fatal(err)
	}
	waitKilled(t, cmd)
	assertGone(t, g.dirs...)
}

// A limit without its controller must fail, and leave nothing behind.
func TestV2LimitWithoutController(t *testing.T) {
	l := testV2Layout(t)
	if _, err := createV2(l, Limits{MemoryBytes: 1 << 20}, ""); err == nil || !strings.Contains(err.Error(), "without its controller") {
		t.Fatalf("createV2 = %v", err)
	}
	entries, _ := os.ReadDir(l.dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), namePrefix) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// Non-root without a parent falls back and says why.
func TestV2NotRootNoParent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("needs a non-root user")
	}
	if _, err := v2Mount(); err != nil {
		t.Skipf("needs a cgroup2 mount: %v", err)
	}
	_, err := probeV2(Options{})
	if err == nil || !strings.Contains(err.Error(), "not root and no --cgroup-parent") {
		t.Fatalf("probeV2 as non-root = %v", err)
	}
}

// The no-internal-process rule, read from the kernel's files: a cgroup
// holding processes cannot enable controllers for children; the real root
// (no cgroup.type) can. Uses any controller the cgroup2 mount offers and
// only reads: enabling one would change the host's root cgroup.
func TestV2CanEnable(t *testing.T) {
	l := testV2Layout(t)
	ctl := strings.Fields(readString(t, l.mount+"/cgroup.controllers"))
	if len(ctl) == 0 {
		t.Skipf("needs a controller in %s/cgroup.controllers", l.mount)
	}
	if err := canEnable(l.mount, ctl[:1]); err != nil {
		t.Errorf("root cgroup: %v", err)
	}
	if err := l.prepare(); err != nil {
		t.Fatal(err)
	}
	if err := canEnable(l.dir(), ctl[:1]); err != nil {
		t.Errorf("empty cgroup: %v", err)
	}
	cmd := sleepInV2(t, l.dir())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	err := canEnable(l.dir(), ctl[:1])
	if err == nil || !strings.Contains(err.Error(), "no-internal-process") {
		t.Fatalf("cgroup with a process: %v", err)
	}
	t.Log(err)
}
