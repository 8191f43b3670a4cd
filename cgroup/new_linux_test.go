package cgroup

import (
	"os"
	"strings"
	"testing"

	cgroups "github.com/containerd/cgroups/v3"
)

// hybridV1 skips unless the host is like the CI machine: hybrid, with
// memory and pids on v1 and a cgroup2 mount without them.
func hybridV1(t *testing.T) {
	t.Helper()
	requireV1(t)
	if cgroups.Mode() != cgroups.Hybrid {
		t.Skip("needs a hybrid cgroup host (memory and pids on v1, cgroup2 at /sys/fs/cgroup/unified)")
	}
	if _, err := probeV2(Options{}); err == nil {
		t.Skip("needs a hybrid host whose cgroup2 mount lacks memory and pids")
	}
}

func TestAutoPicksV1OnHybrid(t *testing.T) {
	hybridV1(t)
	c := mustNew(t, Options{}, Limits{MemoryBytes: 64 << 20, Pids: 8})
	if c.Mode() != V1 {
		t.Fatalf("auto picked %s (%s), want v1", c.Mode(), c.Reason())
	}
	if !strings.HasPrefix(c.Reason(), "cgroup v2: ") || !strings.Contains(c.Reason(), "/sys/fs/cgroup/unified") {
		t.Errorf("Reason = %q, want why not v2", c.Reason())
	}
	if mode, reason := Detect(); mode != V1 {
		t.Errorf("Detect = %s, %q; want v1", mode, reason)
	}
	if c.FD() != -1 {
		t.Errorf("v1 FD = %d, want -1", c.FD())
	}
	t.Logf("path %s; reason %s", c.Path(), c.Reason())
}

// The v1 parents nest in this process's own cgroups, so the host app's
// limits still contain the jail.
func TestV1NestsInOwnCgroup(t *testing.T) {
	requireV1(t)
	c := mustNew(t, Options{Want: "v1"}, Limits{})
	own, _, err := cgroups.ParseCgroupFileUnified("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range v1Hierarchies {
		dir := c.(*group).dirs[i]
		want := strings.TrimSuffix("/sys/fs/cgroup/"+name+own[name], "/") + "/jailpy/"
		if !strings.HasPrefix(dir, want) {
			t.Errorf("%s run cgroup %s, want it under %s", name, dir, want)
		}
	}
}

func TestWantV2FailsClosedOnHybrid(t *testing.T) {
	hybridV1(t)
	c, err := New(Options{Want: "v2"}, Limits{MemoryBytes: 64 << 20})
	if err == nil {
		c.Delete()
		t.Fatal("New(v2) on a hybrid host succeeded")
	}
	for _, s := range []string{"cgroup v2", "memory", "/sys/fs/cgroup/unified/cgroup.controllers"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
	if mode, reason := DetectFor(Options{Want: "v2"}); mode != None || reason != err.Error() {
		t.Errorf("DetectFor(v2) = %s, %q", mode, reason)
	}
	t.Log(err)
}

func TestWantNone(t *testing.T) {
	c, err := New(Options{Want: "none"}, Limits{MemoryBytes: 1 << 20, Pids: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Stats()
	if c.Mode() != None || c.FD() != -1 || c.Add(os.Getpid()) != nil || err != nil || s != (Stats{}) ||
		c.Kill() != nil || c.Delete() != nil || c.Reason() != "" {
		t.Errorf("none cgroup is not a no-op: %#v", c)
	}
	if n, err := Reap(Options{Want: "none"}); n != 0 || err != nil {
		t.Errorf("Reap(none) = %d, %v", n, err)
	}
}

func TestBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		lim  Limits
		want string
	}{
		{Options{Want: "v3"}, Limits{}, "unknown mode"},
		{Options{Parent: "jailpy"}, Limits{}, "clean absolute"},
		{Options{Parent: "/a/../../etc"}, Limits{}, "clean absolute"},
		{Options{}, Limits{MemoryBytes: -1}, "negative"},
	} {
		if _, err := New(tc.opts, tc.lim); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v, %+v) = %v, want %q", tc.opts, tc.lim, err, tc.want)
		}
	}
}

// An explicit parent must exist: we never create what we did not name.
func TestMissingParent(t *testing.T) {
	requireV1(t)
	_, err := New(Options{Want: "v1", Parent: "/jailpy-no-such-parent"}, Limits{})
	if err == nil || !strings.Contains(err.Error(), "cgroup v1: parent") {
		t.Fatalf("New with a missing parent = %v", err)
	}
	c, err := New(Options{Parent: "/jailpy-no-such-parent"}, Limits{})
	if err != nil || c.Mode() != None || !strings.Contains(c.Reason(), "cgroup v1: parent") {
		t.Fatalf("auto with a missing parent = %v, %v", c, err)
	}
	t.Logf("none because: %s", c.Reason())
}

// An explicit v1 parent: run cgroups go right under it, and it stays.
func TestV1ExplicitParent(t *testing.T) {
	requireV1(t)
	l, _ := probeV1(Options{})
	var parents []string
	for _, name := range v1Hierarchies {
		p := "/sys/fs/cgroup/" + name + "/jailpy-test"
		if l.parents[0] == p || os.Mkdir(p, 0o755) != nil {
			t.Skipf("cannot make %s", p)
		}
		parents = append(parents, p)
		t.Cleanup(func() { os.Remove(p) })
	}
	c, err := New(Options{Want: "v1", Parent: "/jailpy-test"}, Limits{Pids: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range c.(*group).dirs {
		if !strings.HasPrefix(d, parents[i]+"/jailpy-") {
			t.Errorf("run cgroup %s not under %s", d, parents[i])
		}
	}
	cmd := startIn(t, c, "/bin/sh", "-c", "read x; exec sleep 30")
	if !c.(*group).holds(cmd.Process.Pid) {
		t.Error("holds() does not see the child under an explicit parent")
	}
	if err := c.Delete(); err != nil {
		t.Fatal(err)
	}
	for _, p := range parents {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("explicit parent removed: %v", err)
		}
	}
}
