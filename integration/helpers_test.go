// Package integration runs the built jailpy binary against the real
// kernel, cgroups, seccomp and CPython of this machine.
package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// python is the interpreter the tests jail: the distribution's, readable
// by every uid (pyenv's lives under /root, which an unprivileged uid cannot
// reach). Resolved once in TestMain.
var python = "/usr/bin/python3"

// rootlessUID is the unprivileged host uid the rootless tests run jailpy as.
const rootlessUID = 64123

var (
	binary  string // the jailpy binary under test
	workDir string // world-readable: the rootless tests read sources here
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "jailpy-it-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		os.Chmod(dir, 0o755)
		workDir = dir
		if real, err := filepath.EvalSymlinks(python); err == nil {
			python = real
		}
		binary = filepath.Join(dir, "jailpy")
		build := exec.Command("bash", "../scripts/build", binary) // as shipped
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build jailpy:", err)
			return 1
		}
		return m.Run()
	}())
}

// needJail skips a test on a machine that cannot build a jail at all.
func needJail(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("needs %s: %v", python, err)
	}
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(b)) == "0" {
		t.Skip("needs user namespaces: user.max_user_namespaces is 0")
	}
}

// needRoot skips a test that has to start jailpy as root (or switch to
// another uid to test rootless mode).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: this test runs jailpy as root or switches to an unprivileged uid")
	}
}

// run is one jailpy invocation.
type run struct {
	src        string          // the user's file
	fn         string          // --func; "" = main
	args       string          // --args; "" = []
	stdin      string          // what jailpy reads on stdin
	flags      []string        // more flags
	env        []string        // jailpy's environment (default: the test's)
	rootless   bool            // run jailpy as rootlessUID
	pathPython bool            // no --python: jailpy finds python3 on PATH
	started    func(*exec.Cmd) // called once jailpy has started
	binary     string          // the jailpy binary; "" = the one under test
	dir        string          // jailpy's working directory; "" = the test's
}

// result is one verdict plus how jailpy exited.
type result struct {
	jail.Result
	code   int
	stderr string
	raw    string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, verdict %s, stderr %q", r.code, r.raw, r.stderr)
}

// jailpy runs the binary and decodes its verdict; it fails the test if the
// output is not exactly one JSON object.
func jailpy(t *testing.T, r run) result {
	t.Helper()
	return jailpyNamed(t, "user-*.py", r)
}

// jailpyNamed is jailpy with the user's file named after pattern (a "*"
// in it is replaced by a random string).
func jailpyNamed(t *testing.T, pattern string, r run) result {
	t.Helper()
	needJail(t)
	dir, err := os.MkdirTemp(workDir, "src-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	var f *os.File
	if strings.Contains(pattern, "*") {
		f, err = os.CreateTemp(dir, pattern)
	} else {
		f, err = os.Create(filepath.Join(dir, pattern))
	}
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(r.src)
	f.Close()
	os.Chmod(f.Name(), 0o644)
	args := []string{"exec"}
	if !r.pathPython {
		args = append(args, "--python", python)
	}
	if r.fn != "" {
		args = append(args, "--func", r.fn)
	}
	if r.args != "" {
		args = append(args, "--args", r.args)
	}
	args = append(append(args, r.flags...), f.Name())
	bin := binary
	if r.binary != "" {
		bin = r.binary
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(r.stdin)
	cmd.Env = r.env
	cmd.Dir = r.dir
	if r.rootless {
		needRoot(t)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: rootlessUID, Gid: rootlessUID}}
		cmd.Env = append(cmd.Env, "HOME=/nonexistent")
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if r.started != nil {
		r.started(cmd)
	}
	err = cmd.Wait()
	res := result{code: cmd.ProcessState.ExitCode(), stderr: errb.String(), raw: out.String()}
	if res.code == jail.ExitUsage || res.code < 0 { // usage error, or jailpy itself was killed
		return res
	}
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&res.Result); err != nil {
		t.Fatalf("verdict is not JSON (%v): %s", err, res)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value on stdout: %s", res)
	}
	if want := res.Status.ExitCode(); res.code != want {
		t.Fatalf("exit code %d does not match status %s (want %d): %s", res.code, res.Status, want, res)
	}
	return res
}

// expect fails unless the verdict has the wanted status.
func expect(t *testing.T, r result, status jail.Status) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want status %s, got %s", status, r)
	}
}

// expectViolation fails unless the run was ended for calling syscall.
func expectViolation(t *testing.T, r result, syscall string) {
	t.Helper()
	expect(t, r, jail.StatusViolation)
	if r.Syscall != syscall {
		t.Fatalf("syscall %q, want %q", r.Syscall, syscall)
	}
}

// attack is a program that must end as a violation naming syscall.
type attack struct{ name, src, syscall string }

// violations runs each attack as a subtest.
func violations(t *testing.T, attacks []attack) {
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			expectViolation(t, jailpy(t, run{src: a.src}), a.syscall)
		})
	}
}

// value decodes an ok verdict's value.
func value(t *testing.T, r result, into any) {
	t.Helper()
	expect(t, r, jail.StatusOK)
	if err := json.Unmarshal(r.Value, into); err != nil {
		t.Fatalf("value %s: %v", r.Value, err)
	}
}

// waitFor polls cond until it holds or the deadline passes. Used only to
// wait for the machine to reach a state, never to assert a speed.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}
