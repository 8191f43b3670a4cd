package cgroup

import (
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"syscall"
	"testing"
)

// nobody runs the delegated side of the test.
const nobody = 65534

// TestV2Delegated sets up what systemd's Delegate=yes gives a user — a
// cgroup D owned by that user, jailpy in a leaf D/app, runs under D/runs —
// and runs TestV2DelegatedHelper as that user: once inside D (it must
// work) and once outside (it must refuse, naming the cgroup.procs the
// kernel would check). The cgroup2 mount may lack controllers: the
// mechanics are the same.
func TestV2Delegated(t *testing.T) {
	requireRoot(t)
	mount, err := v2Mount()
	if err != nil {
		t.Skipf("needs a cgroup2 mount: %v", err)
	}
	d := mount + "/jailpy-test-deleg"
	for _, dir := range []string{d, d + "/app", d + "/runs"} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, dir := range []string{d + "/runs", d + "/app", d} {
			if err := os.Remove(dir); err != nil {
				t.Error(err)
			}
		}
	})
	// What delegation hands over: the directories and their procs and
	// subtree_control files, not D/app (jailpy only leaves it).
	for _, f := range []string{d, d + "/cgroup.procs", d + "/cgroup.subtree_control", d + "/runs", d + "/runs/cgroup.procs", d + "/runs/cgroup.subtree_control"} {
		if err := os.Chown(f, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	bin := copyTestBinary(t)
	app, err := syscall.Open(d+"/app", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(app)
	for _, inside := range []bool{true, false} {
		cmd := exec.Command(bin, "-test.run=^TestV2DelegatedHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "JAILPY_TEST_PARENT="+strings.TrimPrefix(d, mount)+"/runs")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		if inside {
			cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, app
		} else {
			cmd.Env = append(cmd.Env, "JAILPY_TEST_OUTSIDE=1")
		}
		out, err := cmd.CombinedOutput()
		t.Logf("inside=%v:\n%s", inside, out)
		if err != nil || !strings.Contains(string(out), "--- PASS: TestV2DelegatedHelper") {
			t.Errorf("helper (inside=%v) failed: %v", inside, err)
		}
	}
}

// TestV2DelegatedHelper is the non-root side of TestV2Delegated.
func TestV2DelegatedHelper(t *testing.T) {
	parent := os.Getenv("JAILPY_TEST_PARENT")
	if parent == "" {
		t.Skip("helper of TestV2Delegated, not a test of its own")
	}
	opts := Options{Want: "v2", Parent: parent}
	l, err := probeV2For(opts, nil)
	if os.Getenv("JAILPY_TEST_OUTSIDE") != "" {
		if err == nil || !strings.Contains(err.Error(), "cgroup.procs not writable") {
			t.Fatalf("probe from outside the delegated cgroup = %v", err)
		}
		t.Log(err)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	g, err := createV2(l, Limits{}, "")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: g.FD()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err) // clone3 into the run cgroup refused
	}
	if !inCgroup(t, cmd.Process.Pid, g.dirs[0]) {
		t.Errorf("pid %d not in %s", cmd.Process.Pid, g.dirs[0])
	}
	if err := g.Kill(); err != nil {
		t.Fatal(err)
	}
	waitKilled(t, cmd)
	if err := g.Delete(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, g.dirs...)
	t.Logf("ran in %s as uid %d", path.Base(g.dirs[0]), os.Geteuid())
}

// copyTestBinary copies the test binary where another user can run it:
// go test builds it in a root-only directory.
func copyTestBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "jailpy-cgroup-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := dir + "/cgroup.test"
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}
