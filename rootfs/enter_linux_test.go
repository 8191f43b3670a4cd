//go:build linux

package rootfs

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needUserNS skips unless this process can create user+mount+pid
// namespaces as hostID.
func needUserNS(t testing.TB) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("needs its own executable: %v", err)
	}
	cmd := jailCmd(exe, &Plan{}, "noop", os.Getuid())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("needs user+mount+pid namespaces: %v %s", err, out)
	}
}

func needRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("needs root %s (running as uid %d)", why, os.Geteuid())
	}
}

// planOrSkip builds the plan for python, skipping when it is not installed.
func planOrSkip(t testing.TB, python string) *Plan {
	t.Helper()
	needFile(t, python)
	p, _, err := buildPlan(python, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkJail runs cmd and wants every step of jailChild to have passed.
func checkJail(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("stdout:\n%s", stdout.String())
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("jail child: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	if strings.Count(out, "python: ok\n") != 2 || !strings.HasSuffix(out, "exec ok\n") {
		t.Errorf("python inside the jail did not print ok three times")
	}
}

func testEnterAsRoot(t *testing.T, python string) {
	needRoot(t, "to map the jail's uid 0 to the host's")
	needUserNS(t)
	p := planOrSkip(t, python)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	checkJail(t, jailCmd(exe, p, "enter", 0))
}

func TestEnterDebianAsRoot(t *testing.T) { testEnterAsRoot(t, debianPython) }
func TestEnterPyenvAsRoot(t *testing.T)  { testEnterAsRoot(t, pyenvPython) }

// TestEnterUnprivileged creates the namespaces as an unprivileged user, the
// way a host that does not run jailpy as root would: directly when the
// test runs unprivileged, through uid 65534 when it runs as root.
func TestEnterUnprivileged(t *testing.T) {
	needUserNS(t)
	p := planOrSkip(t, debianPython)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		checkJail(t, jailCmd(exe, p, "enter", os.Getuid()))
		return
	}
	// uid 65534 must be able to exec the test binary: go test keeps it
	// in a 0700 directory.
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, exe, filepath.Join(dir, "rootfs.test"))
	data, _ := json.Marshal(p)
	cmd := exec.Command(filepath.Join(dir, "rootfs.test"))
	cmd.Env = []string{childEnv + "=relay", planEnv + "=" + string(data)}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: nobody, Gid: nobody},
		Pdeathsig:  syscall.SIGKILL,
	}
	checkJail(t, cmd)
}

// BenchmarkEnter starts one jail child per iteration. ns/op is the whole
// start (clone with namespaces, Go runtime start, Enter, exit);
// enter-ns/op and enter-p50-ns are Enter alone, measured inside the child.
func BenchmarkEnter(b *testing.B) {
	for _, python := range []string{debianPython, pyenvPython} {
		b.Run(filepath.Base(filepath.Dir(filepath.Dir(python))), func(b *testing.B) {
			needRoot(b, "to map the jail's uid 0 to the host's")
			needUserNS(b)
			p := planOrSkip(b, python)
			exe, err := os.Executable()
			if err != nil {
				b.Fatal(err)
			}
			var took []time.Duration
			for b.Loop() {
				out, err := jailCmd(exe, p, "bench", 0).CombinedOutput()
				if err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				ns, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(string(out), "enter_ns=")), 10, 64)
				if err != nil {
					b.Fatalf("child said %q", out)
				}
				took = append(took, time.Duration(ns))
			}
			var total time.Duration
			for _, d := range took {
				total += d
			}
			slices.Sort(took)
			b.ReportMetric(float64(total.Nanoseconds())/float64(len(took)), "enter-ns/op")
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "enter-p50-ns")
			b.ReportMetric(float64(p.Mounts()), "mounts")
		})
	}
}
