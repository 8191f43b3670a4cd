package cgroup

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestLimitsWritten(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		c := mustNew(t, Options{Want: string(mode)}, Limits{MemoryBytes: 64 << 20, Pids: 8})
		dirs := c.(*group).dirs
		want := map[string]string{}
		if mode == V2 {
			want[dirs[0]+"/memory.max"] = strconv.Itoa(64 << 20)
			want[dirs[0]+"/memory.oom.group"] = "1"
			want[dirs[0]+"/pids.max"] = "8"
			if _, err := os.Stat(dirs[0] + "/memory.swap.max"); err == nil {
				want[dirs[0]+"/memory.swap.max"] = "0"
			}
		} else {
			want[dirs[0]+"/memory.limit_in_bytes"] = strconv.Itoa(64 << 20)
			want[dirs[1]+"/pids.max"] = "8"
			if _, err := os.Stat(dirs[0] + "/memory.memsw.limit_in_bytes"); err == nil {
				want[dirs[0]+"/memory.memsw.limit_in_bytes"] = strconv.Itoa(64 << 20)
			} else {
				want[dirs[0]+"/memory.swappiness"] = "0"
			}
		}
		for file, v := range want {
			if got := readString(t, file); got != v {
				t.Errorf("%s = %s, want %s", file, got, v)
			}
		}
	})
}

func TestAddKillDelete(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		c, err := New(Options{Want: string(mode)}, Limits{Pids: 16})
		if err != nil {
			t.Fatal(err)
		}
		dirs := c.(*group).dirs
		// A tree, not one process: the grandchildren must die too. Added
		// after start, the way a caller without FD or EnterThread does.
		cmd := startAdded(t, c, "/bin/sh", "-c", "read x; sleep 30 & sleep 30 & wait")
		for _, d := range dirs {
			waitProcs(t, d, 3)
			if !inCgroup(t, cmd.Process.Pid, d) {
				t.Errorf("pid %d not in %s", cmd.Process.Pid, d)
			}
		}
		if err := c.Kill(); err != nil {
			t.Fatal(err)
		}
		waitKilled(t, cmd)
		for _, d := range dirs {
			waitProcs(t, d, 0)
		}
		if err := c.Delete(); err != nil {
			t.Fatal(err)
		}
		assertGone(t, dirs...)
		if err := c.Delete(); err != nil {
			t.Errorf("second Delete: %v", err)
		}
		if c.FD() != -1 {
			t.Errorf("FD after Delete = %d", c.FD())
		}
	})
}

// Delete alone must do the Kill: the caller may have had no chance to.
func TestDeleteKillsWhatRuns(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		c, err := New(Options{Want: string(mode)}, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		cmd := startIn(t, c, "/bin/sh", "-c", "read x; exec sleep 30")
		waitProcs(t, c.(*group).dirs[0], 1)
		if err := c.Delete(); err != nil {
			t.Fatal(err)
		}
		waitKilled(t, cmd)
		assertGone(t, c.(*group).dirs...)
	})
}

func TestOOMKill(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		py := python(t)
		const limit = 64 << 20
		c := mustNew(t, Options{Want: string(mode)}, Limits{MemoryBytes: limit, Pids: 16})
		cmd := startIn(t, c, py, "-I", "-S", "-c", "import sys; sys.stdin.read(1); b = bytearray(200 << 20)")
		waitKilled(t, cmd)
		s, err := c.Stats()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s stats after OOM: %+v", mode, s)
		if s.OOMKills < 1 {
			t.Errorf("OOMKills = %d, want >= 1", s.OOMKills)
		}
		// v2 kernels before 5.19 have no memory.peak: 0 is all they say.
		if s.MemoryPeak != 0 || mode == V1 {
			if s.MemoryPeak < limit/2 || s.MemoryPeak > limit {
				t.Errorf("MemoryPeak = %d, want within (%d, %d]", s.MemoryPeak, limit/2, limit)
			}
		}
	})
}

// A bounded fork loop: 50 forks against pids.max 8. The loop's own
// process counts, so 7 forks succeed and the 8th gets EAGAIN. Children
// sleep, so none leaves before the count.
func TestPidsLimit(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		py := python(t)
		c := mustNew(t, Options{Want: string(mode)}, Limits{MemoryBytes: 256 << 20, Pids: 8})
		const prog = `
import os, sys, time
sys.stdin.read(1)
n = 0
try:
    for _ in range(50):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as e:
    print(n, e.errno)
`
		out, err := os.CreateTemp(t.TempDir(), "out")
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(py, "-I", "-S", "-c", prog)
		cmd.Stdout = out // a file, not a pipe: the sleeping children hold it
		startCmd(t, c, cmd)
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out.Name())
		if got := strings.TrimSpace(string(b)); got != "7 11" {
			t.Errorf("forks, errno = %q, want \"7 11\" (EAGAIN)", got)
		}
		dirs := c.(*group).dirs
		waitProcs(t, dirs[len(dirs)-1], 7)
		if err := c.Kill(); err != nil {
			t.Fatal(err)
		}
		waitProcs(t, dirs[len(dirs)-1], 0)
	})
}

func TestStatsWithoutRun(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		c := mustNew(t, Options{Want: string(mode)}, Limits{MemoryBytes: 64 << 20})
		s, err := c.Stats()
		if err != nil || s.OOMKills != 0 {
			t.Fatalf("Stats = %+v, %v", s, err)
		}
	})
}

func TestAddBadPid(t *testing.T) {
	forModes(t, func(t *testing.T, mode Mode) {
		c := mustNew(t, Options{Want: string(mode)}, Limits{})
		if err := c.Add(0); err == nil {
			t.Error("Add(0) succeeded")
		}
		// A pid that does not exist: the kernel refuses.
		if err := c.Add(1 << 30); err == nil || !strings.Contains(err.Error(), "add pid") {
			t.Errorf("Add(no such pid) = %v", err)
		}
		if errors.Is(c.Kill(), os.ErrNotExist) {
			t.Error("Kill of an empty cgroup failed")
		}
	})
}
