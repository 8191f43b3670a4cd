package cgroup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain fails the run if any cgroup the tests made is left behind.
func TestMain(m *testing.M) {
	before := leftovers()
	code := m.Run()
	if after := leftovers(); len(after) > len(before) {
		fmt.Fprintf(os.Stderr, "cgroups left behind: %v (before: %v)\n", after, before)
		code = 1
	}
	os.Exit(code)
}

// leftovers lists run cgroups and default v1 parents that exist now.
func leftovers() []string {
	var out []string
	if l, err := probeV1(Options{}); err == nil {
		for _, p := range l.parents {
			if _, err := os.Lstat(p); err == nil {
				out = append(out, p)
			}
		}
	}
	if m, err := v2Mount(); err == nil {
		for _, p := range []string{m + "/jailpy", m + "/jailpy-test"} {
			if _, err := os.Lstat(p); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: cgroup directories are created and removed")
	}
}

func requireV1(t *testing.T) {
	t.Helper()
	requireRoot(t)
	if _, err := probeV1(Options{}); err != nil {
		t.Skipf("needs cgroup v1 with memory and pids hierarchies: %v", err)
	}
}

func requireV2(t *testing.T) {
	t.Helper()
	requireRoot(t)
	if _, err := probeV2(Options{}); err != nil {
		t.Skipf("needs cgroup v2 with the memory and pids controllers: %v", err)
	}
}

// requireMode skips unless mode can be set up here.
func requireMode(t *testing.T, mode Mode) {
	t.Helper()
	if mode == V2 {
		requireV2(t)
	} else {
		requireV1(t)
	}
}

// forModes runs a test once per backend, each skipping where the host
// lacks it.
func forModes(t *testing.T, test func(t *testing.T, mode Mode)) {
	for _, mode := range []Mode{V1, V2} {
		t.Run(string(mode), func(t *testing.T) {
			requireMode(t, mode)
			test(t, mode)
		})
	}
}

// mustNew makes a cgroup that is deleted when the test ends.
func mustNew(t *testing.T, opts Options, lim Limits) Cgroup {
	t.Helper()
	c, err := New(opts, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Delete(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// python is the interpreter the OOM and fork tests run.
func python(t *testing.T) string {
	t.Helper()
	const p = "/usr/bin/python3.11"
	if _, err := os.Stat(p); err != nil {
		t.Skipf("needs %s: %v", p, err)
	}
	return p
}

// sleepInV2 starts /bin/sleep 30 born in the v2 cgroup directory dir
// (clone3 CLONE_INTO_CGROUP), with no Cgroup around it.
func sleepInV2(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	cmd := exec.Command("/bin/sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// startIn starts a command inside c the way the jail does: born inside,
// cloned with FD on v2 or from a thread moved in by EnterThread on v1.
func startIn(t *testing.T, c Cgroup, name string, args ...string) *exec.Cmd {
	t.Helper()
	return startCmd(t, c, exec.Command(name, args...))
}

// startCmd is startIn for a command the caller has set up. Commands read
// one byte of stdin before doing anything that counts (see startAdded);
// here it comes at once.
func startCmd(t *testing.T, c Cgroup, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	cmd.Stdin = strings.NewReader("x")
	if fd := c.FD(); fd >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	}
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		leave, err := c.EnterThread()
		if err != nil {
			runtime.UnlockOSThread()
			done <- err
			return
		}
		err = cmd.Start()
		if lerr := leave(); lerr != nil {
			done <- lerr // the thread stays locked: it ends with the goroutine
			return
		}
		runtime.UnlockOSThread()
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// startAdded starts a command outside c, adds it with Add, and only then
// lets it go on: it must read one byte of stdin first, as the jail's init
// waits for its config.
func startAdded(t *testing.T, c Cgroup, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	gate, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := c.Add(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	io.WriteString(gate, "x")
	gate.Close()
	return cmd
}

// waitKilled waits for cmd and fails unless SIGKILL ended it.
func waitKilled(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("%s: want killed, got %v", cmd.Path, err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s: want SIGKILL, got %v", cmd.Path, err)
	}
}

// inCgroup says whether /proc/<pid>/cgroup names dir's cgroup.
func inCgroup(t *testing.T, pid int, dir string) bool {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	rel := dir[strings.Index(dir, "/jailpy"):]
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasSuffix(line, rel) {
			return true
		}
	}
	return false
}

// waitProcs waits until the cgroup of dir holds n processes.
func waitProcs(t *testing.T, dir string, n int) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if pids, _ := readProcs(dir); len(pids) == n {
			return
		}
	}
	pids, _ := readProcs(dir)
	t.Fatalf("%s: want %d processes, have %v", dir, n, pids)
}

// assertGone fails if any of dirs still exists.
func assertGone(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there (%v)", d, err)
		}
	}
}

// readString reads a cgroup file as trimmed text.
func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
