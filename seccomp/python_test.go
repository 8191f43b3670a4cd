//go:build linux

package seccomp

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The interpreters jailpy runs: Debian's, and a pyenv build with its own
// libpython, which starts up through a different set of files.
var interpreters = []struct{ name, path string }{
	{"debian", "/usr/bin/python3.11"},
	{"pyenv", "/root/.pyenv/versions/3.11.7/bin/python3.11"},
}

func requireFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("needs %s: %v", path, err)
	}
}

// runPython runs python -I -S -B -u -c script under the Default filter,
// allowing the init's execve and denying everything else with EPERM.
// It returns the notifications after that execve, and the child's output.
func runPython(t *testing.T, python, script string, env []string) (violations []string, c *child, waitErr error) {
	t.Helper()
	requireFile(t, python)
	c = startChild(t, "exec", []string{python, "-I", "-S", "-B", "-u", "-c", script}, env)
	events, waitErr := c.serve(allowFirstExec())
	if len(events) == 0 || events[0].Name != "execve" {
		t.Fatalf("first notification %q, want the init's execve", names(events))
	}
	return names(events[1:]), c, waitErr
}

// TestStdlibTour: CPython start-up and a tour of the stdlib make no call
// outside the allow-list.
func TestStdlibTour(t *testing.T) {
	tour, err := os.ReadFile("testdata/tour.py")
	if err != nil {
		t.Fatal(err)
	}
	envs := map[string][]string{
		"empty-env": nil,
		"utf8-env":  {"LANG=C.UTF-8", "PATH=/usr/bin:/bin"},
	}
	for _, py := range interpreters {
		for envName, env := range envs {
			t.Run(py.name+"/"+envName, func(t *testing.T) {
				violations, c, err := runPython(t, py.path, string(tour), env)
				if len(violations) > 0 {
					t.Errorf("syscalls outside the allow-list: %q", violations)
				}
				if err != nil {
					t.Errorf("python: %v", err)
				}
				if !strings.Contains(c.stdout.String(), "TOUR-OK") {
					t.Errorf("no TOUR-OK; stdout:\n%s\nstderr:\n%s", c.stdout.String(), c.stderr.String())
				}
			})
		}
	}
}

// TestPythonViolations: what user code can try, and how each is named.
func TestPythonViolations(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		want         []string // notifications after the init's execve
		marker       string   // printed by the script when it saw the denial
	}{
		{"thread", "import threading; r = []; t = threading.Thread(target=r.append, args=(1,)); t.start(); t.join(); print('THREAD-OK', r)",
			nil, "THREAD-OK [1]"},
		{"socket", "import socket\ntry: socket.socket()\nexcept PermissionError: print('DENIED')",
			[]string{"socket"}, "DENIED"},
		{"fork", "import os\ntry: os.fork()\nexcept PermissionError: print('DENIED')",
			[]string{"clone"}, "DENIED"},
		{"second-exec", "import os\ntry: os.execv('/bin/true', ['true'])\nexcept PermissionError: print('DENIED')",
			[]string{"execve"}, "DENIED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			violations, c, err := runPython(t, interpreters[0].path, tc.script, nil)
			if !slices.Equal(violations, tc.want) {
				t.Errorf("notifications %q, want %q", violations, tc.want)
			}
			if err != nil {
				t.Errorf("python: %v; stderr: %s", err, c.stderr.String())
			}
			if !strings.Contains(c.stdout.String(), tc.marker) {
				t.Errorf("no %q; stdout:\n%s\nstderr:\n%s", tc.marker, c.stdout.String(), c.stderr.String())
			}
		})
	}
}

// TestStdlibImports: importing any stdlib module makes no call outside the
// allow-list, so an import alone never ends a run as a violation. HOME is
// set, as the jail must: without it os.path.expanduser (run by sysconfig,
// hence zoneinfo) asks glibc for the passwd entry, and glibc first tries
// nscd through socket().
func TestStdlibImports(t *testing.T) {
	if testing.Short() {
		t.Skip("one interpreter per stdlib module: slow")
	}
	python := interpreters[0].path
	requireFile(t, python)
	out, err := exec.Command(python, "-I", "-S", "-c",
		"import sys; print(*sorted(m for m in sys.stdlib_module_names if not m.startswith('_')))").Output()
	if err != nil {
		t.Fatalf("list stdlib modules: %v", err)
	}
	skip := map[string]bool{
		"antigravity": true, // opens a web browser
		"this":        true, // prints the Zen of Python, nothing else
	}
	for _, module := range strings.Fields(string(out)) {
		if skip[module] {
			continue
		}
		violations, _, _ := runPython(t, python, "import "+module, []string{"HOME=/tmp"})
		if len(violations) > 0 {
			t.Errorf("import %s: syscalls outside the allow-list: %q", module, violations)
		}
	}
}
