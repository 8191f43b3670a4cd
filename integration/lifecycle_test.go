package integration

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// procState is the state letter of a process ("R", "S", "Z"...), or "" if
// there is no such process.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return f[0]
}

// childrenOf lists the direct children of pid.
func childrenOf(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			n, _ := strconv.Atoi(f)
			out = append(out, n)
		}
	}
	return out
}

// procStatus reads the fields of /proc/PID/status.
func procStatus(pid int) map[string]string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// jailedChild waits for jailpy to have exec'd the interpreter and returns
// its host pid: the child that is pid 1 of its own pid namespace and runs
// python (jailpy may also start the interpreter unjailed once, to plan).
func jailedChild(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	var pid int
	ok := waitFor(10*time.Second, func() bool {
		for _, c := range childrenOf(cmd.Process.Pid) {
			ns := strings.Fields(procStatus(c)["NSpid"])
			exe, _ := os.Readlink("/proc/" + strconv.Itoa(c) + "/exe")
			if len(ns) == 2 && ns[1] == "1" && strings.HasPrefix(filepath.Base(exe), "python") {
				pid = c
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatal("the jailed interpreter never appeared")
	}
	return pid
}

const sleepSrc = "import time\ndef main():\n    time.sleep(30)\n"

// TestJailedProcessHasNoPrivilege looks at the running interpreter from
// the host: unprivileged host uid, no capabilities, no_new_privs, seccomp
// filter on.
func TestJailedProcessHasNoPrivilege(t *testing.T) {
	for _, rootless := range []bool{false, true} {
		t.Run(map[bool]string{false: "root", true: "rootless"}[rootless], func(t *testing.T) {
			var status map[string]string
			r := jailpy(t, run{src: sleepSrc, rootless: rootless, flags: []string{"--timeout", "10s"}, started: func(cmd *exec.Cmd) {
				pid := jailedChild(t, cmd)
				status = procStatus(pid)
				cmd.Process.Signal(syscall.SIGTERM)
			}})
			expect(t, r, jail.StatusInternal) // SIGTERM: jailpy stops the run and says so
			want := strconv.Itoa(jail.DefaultHostID)
			if rootless {
				want = strconv.Itoa(rootlessUID)
			}
			if uid := strings.Fields(status["Uid"]); len(uid) == 0 || uid[0] != want || uid[1] != want {
				t.Errorf("Uid %q, want %s", status["Uid"], want)
			}
			for _, k := range []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"} {
				if status[k] != "0000000000000000" {
					t.Errorf("%s = %s", k, status[k])
				}
			}
			if status["NoNewPrivs"] != "1" || status["Seccomp"] != "2" {
				t.Errorf("NoNewPrivs %s Seccomp %s", status["NoNewPrivs"], status["Seccomp"])
			}
		})
	}
}

func TestRootlessRuns(t *testing.T) {
	r := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]", rootless: true})
	var v float64
	value(t, r, &v)
	if v != 1.5 || r.Limits.Cgroup == "" {
		t.Fatalf("got %s", r)
	}
	r = jailpy(t, run{src: "import socket\ndef main():\n    socket.socket()\n", rootless: true})
	expectViolation(t, r, "socket")
	r = jailpy(t, run{src: "def main():\n    return open('/etc/passwd').read()\n", rootless: true})
	expect(t, r, jail.StatusError)
}

// TestSIGKILLedJailpyLeavesNothing kills jailpy itself mid-run: the
// parent-death signal must take the jail with it, and the next run must
// reap the cgroup the dead one left.
func TestSIGKILLedJailpyLeavesNothing(t *testing.T) {
	var child int
	res := jailpy(t, run{src: sleepSrc, flags: []string{"--timeout", "20s"}, started: func(cmd *exec.Cmd) {
		child = jailedChild(t, cmd)
		cmd.Process.Kill()
	}})
	if res.code != -1 {
		t.Fatalf("jailpy was not killed: %s", res)
	}
	if !waitFor(5*time.Second, func() bool { return procState(child) == "" }) {
		t.Fatalf("jailed process %d survived jailpy (state %s)", child, procState(child))
	}
	jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1]]"})
	if left := runCgroups(t); len(left) != 0 {
		t.Fatalf("cgroups left behind: %v", left)
	}
}

// runCgroups lists the run cgroups on this host whose jailpy is gone:
// leaks. (A live jailpy's, say another test binary's, is not one.)
func runCgroups(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"/sys/fs/cgroup/*/jailpy/jailpy-*", "/sys/fs/cgroup/*/*/*/jailpy/jailpy-*", "/sys/fs/cgroup/jailpy/jailpy-*"} {
		m, _ := filepath.Glob(pattern)
		for _, dir := range m {
			owner, _ := strconv.Atoi(strings.Split(filepath.Base(dir), "-")[1])
			if procState(owner) == "" {
				out = append(out, dir)
			}
		}
	}
	return out
}
