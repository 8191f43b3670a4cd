package cgroup

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

func TestReap(t *testing.T) {
	requireV1(t)
	// A parent of this test's own: every jailpy on the host (go test runs
	// the integration tests alongside) reaps the default parent, and would
	// take the stale runs planted below before this Reap could.
	opts := Options{Want: "v1", Parent: fmt.Sprintf("/jailpy-test-reap-%d", os.Getpid())}
	for _, name := range v1Hierarchies {
		p := "/sys/fs/cgroup/" + name + opts.Parent
		if os.Mkdir(p, 0o755) != nil {
			t.Skipf("cannot make %s", p)
		}
		t.Cleanup(func() { os.Remove(p) })
	}
	// Our own live run: Reap must leave it (it also keeps the parents).
	live := mustNew(t, opts, Limits{})
	l, err := probeV1(opts)
	if err != nil {
		t.Fatal(err)
	}

	// A concurrent live run of another process: a sleep stands in for it.
	other := exec.Command("/bin/sleep", "30")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	_, otherStart, err := procStat(other.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	_, initStart, err := procStat(1)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{ // name: stale
		"jailpy-99999999-1-0123456789abcdef":                                        true,  // owner gone (pid above any pid_max)
		fmt.Sprintf("jailpy-1-%d-0123456789abcdef", initStart+1):                    true,  // pid reused: started at another time
		fmt.Sprintf("jailpy-%d-%d-0123456789abcdef", other.Process.Pid, otherStart): false, // live owner
		"jailpy-foreign": false, // not named by jailpy
	}
	for _, p := range l.parents {
		for name := range names {
			if err := os.Mkdir(p+"/"+name, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove(p + "/" + name) })
		}
	}

	// Something still runs in the dead owner's cgroup: Reap kills it.
	stale := &group{mode: V1, fd: -1}
	for _, p := range l.parents {
		stale.dirs = append(stale.dirs, p+"/jailpy-99999999-1-0123456789abcdef")
	}
	cmd := startAdded(t, stale, "/bin/sh", "-c", "read x; exec sleep 30")
	waitProcs(t, stale.dirs[0], 1)

	n, err := Reap(opts)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("Reap removed %d runs, want 2", n)
	}
	waitKilled(t, cmd)
	for _, p := range l.parents {
		for name, isStale := range names {
			_, err := os.Lstat(p + "/" + name)
			if gone := err != nil; gone != isStale {
				t.Errorf("%s/%s: gone=%v, want %v", p, name, gone, isStale)
			}
		}
	}
	for _, d := range live.(*group).dirs {
		if _, err := os.Lstat(d); err != nil {
			t.Errorf("live run removed: %v", err)
		}
	}
	if n, err := Reap(opts); n != 0 || err != nil {
		t.Errorf("second Reap = %d, %v", n, err)
	}
}

// Reap on v2: a stale run with a process inside goes, via cgroup.kill.
func TestReapV2Mechanics(t *testing.T) {
	l := testV2Layout(t)
	if err := l.prepare(); err != nil {
		t.Fatal(err)
	}
	dir := l.dir() + "/jailpy-99999999-1-0123456789abcdef"
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(dir) })
	cmd := sleepInV2(t, dir)
	n, err := reap(V2, []string{l.dir()})
	if n != 1 || err != nil {
		t.Fatalf("reap = %d, %v", n, err)
	}
	waitKilled(t, cmd)
	assertGone(t, dir)
}
