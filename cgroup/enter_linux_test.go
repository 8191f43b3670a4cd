package cgroup

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// onLockedThread runs f on a goroutine locked to its OS thread, as
// EnterThread requires, and unlocks it only if f says the thread is clean.
func onLockedThread(t *testing.T, f func() (clean bool)) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		if f() {
			runtime.UnlockOSThread()
		}
	}()
	<-done
}

// threadCgroup is the calling thread's /proc cgroup file.
func threadCgroup(t *testing.T) string {
	return readString(t, "/proc/thread-self/cgroup")
}

func TestEnterThread(t *testing.T) {
	requireV1(t)
	c := mustNew(t, Options{Want: "v1"}, Limits{MemoryBytes: 64 << 20, Pids: 8})
	g := c.(*group)
	cmd := startIn(t, c, "/bin/sh", "-c", "read x; exec sleep 30")
	for _, d := range g.dirs {
		if !inCgroup(t, cmd.Process.Pid, d) {
			t.Errorf("child %d not born in %s", cmd.Process.Pid, d)
		}
	}
	if !g.holds(cmd.Process.Pid) {
		t.Error("holds() does not see the child inside")
	}
	if err := c.Add(cmd.Process.Pid); err != nil { // nothing to write
		t.Fatal(err)
	}
	onLockedThread(t, func() bool {
		home := threadCgroup(t)
		leave, err := c.EnterThread()
		if err != nil {
			t.Error(err)
			return true
		}
		inside := threadCgroup(t)
		if err := leave(); err != nil {
			t.Error(err)
			return false
		}
		if inside == home || !strings.Contains(inside, "/jailpy/jailpy-") {
			t.Errorf("thread did not move in: %q", inside)
		}
		if back := threadCgroup(t); back != home {
			t.Errorf("thread not back home: %q, want %q", back, home)
		}
		return true
	})
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	waitKilled(t, cmd)
}

// Kill while one of our threads sits in the run cgroup: it must kill the
// rest and never this process.
func TestKillSparesSelf(t *testing.T) {
	requireV1(t)
	c := mustNew(t, Options{Want: "v1"}, Limits{Pids: 8})
	cmd := startIn(t, c, "/bin/sh", "-c", "read x; exec sleep 30")
	onLockedThread(t, func() bool {
		leave, err := c.EnterThread()
		if err != nil {
			t.Error(err)
			return true
		}
		pids, _ := readProcs(c.(*group).dirs[0])
		if !slices.Contains(pids, os.Getpid()) {
			t.Errorf("this process not listed while its thread is inside: %v", pids)
		}
		if err := c.Kill(); err != nil {
			t.Error(err)
		}
		return leave() == nil
	})
	waitKilled(t, cmd)
}

// v2: a child cloned in with FD is inside already, so Add writes nothing.
func TestAddSkipsChildInside(t *testing.T) {
	l := testV2Layout(t)
	g, err := createV2(l, Limits{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Delete()
	cmd := startIn(t, g, "/bin/sh", "-c", "read x; exec sleep 30")
	if !g.holds(cmd.Process.Pid) {
		t.Fatalf("holds() does not see pid %d in %s", cmd.Process.Pid, g.dirs[0])
	}
	if g.holds(os.Getpid()) {
		t.Error("holds() sees this process inside")
	}
	if err := g.Add(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := unix.Kill(cmd.Process.Pid, 0); err != nil {
		t.Fatal(err)
	}
}
