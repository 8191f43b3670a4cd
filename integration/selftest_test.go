package integration

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jailpy/jailpy/selftest"
)

// selftestReport is `jailpy selftest --json`'s document.
type selftestReport struct {
	Attacks []selftest.Result `json:"attacks"`
	Summary selftest.Summary  `json:"summary"`
	Cgroup  string            `json:"cgroup"`
	UID     int               `json:"uid"`
}

// TestSelftestHolds runs the built binary's whole attack corpus, as root
// (with a cgroup where the host has one) and rootless (rlimits only):
// every attack must hold, none may escape.
func TestSelftestHolds(t *testing.T) {
	needJail(t)
	for _, rootless := range []bool{false, true} {
		name := "root"
		if rootless {
			name = "rootless"
		}
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(binary, "selftest", "--json", "--python", python)
			if rootless {
				needRoot(t)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: rootlessUID, Gid: rootlessUID}}
				cmd.Env = []string{"HOME=/nonexistent", "PATH=/usr/bin:/bin"}
			}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			var rep selftestReport
			if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
				t.Fatalf("selftest --json printed no report (%v, %v): %s %s", err, jerr, out.String(), errb.String())
			}
			for _, r := range rep.Attacks {
				if r.Result != selftest.Held {
					t.Errorf("%s (%s): %s, verdict %s: %s", r.Attack, r.Category, r.Result, r.Verdict, strings.Join(r.Problems, "; "))
				}
			}
			s := rep.Summary
			t.Logf("%d attacks: %d held, %d escaped, %d wrong verdicts (%.1fs; uid %d, cgroup %s)",
				s.Attacks, s.Held, s.Escaped, s.Wrong, s.Seconds, rep.UID, rep.Cgroup)
			if s.Attacks < 60 || !s.OK() || err != nil {
				t.Errorf("selftest: %d attacks, ok %v, exit %v; stderr %s", s.Attacks, s.OK(), err, errb.String())
			}
		})
	}
}

// TestSelftestOnlyAndUsage: --only narrows the run by name or category;
// a pattern that matches nothing, or a bad one, is a usage error (exit 2).
func TestSelftestOnlyAndUsage(t *testing.T) {
	needJail(t)
	out, err := exec.Command(binary, "selftest", "--python", python, "--only", "^network_tcp_host$|^env_").Output()
	if err != nil {
		t.Fatalf("selftest --only: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(string(out), "network_tcp_host") || strings.Contains(string(out), "files_") || !strings.Contains(last, "0 escaped, 0 wrong verdicts") {
		t.Errorf("want only network_tcp_host and the env attacks, all held:\n%s", out)
	}
	for _, args := range [][]string{{"--only", "^nothing$"}, {"--only", "("}, {"extra"}} {
		cmd := exec.Command(binary, append([]string{"selftest"}, args...)...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("selftest %v: %v, stderr %q; want exit 2 and one line", args, err, errb.String())
		}
	}
}

// otherPythons lists the CPython 3.8+ interpreters on this machine besides
// the default one: pyenv's builds and the distribution's other versions. Each
// makes its own start-up calls, so each is a different test of the
// allow-list (3.13's start-up opens with open(2), 3.10 and older dup the
// standard streams and sleep with select).
func otherPythons() []string {
	seen := map[string]bool{python: true}
	var found []string
	for _, pattern := range []string{"/root/.pyenv/versions/3.*/bin/python3", "/usr/bin/python3.[0-9]*", "/usr/local/bin/python3.[0-9]*"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			real, err := filepath.EvalSymlinks(p)
			if err != nil || seen[real] || !supportedPython(filepath.Base(real)) {
				continue
			}
			seen[real] = true
			found = append(found, real)
		}
	}
	return found
}

// TestSelftestOtherInterpreters runs the corpus with every other CPython the
// machine has: the jail must hold, and its verdicts stay right, whichever
// interpreter a user points it at.
func TestSelftestOtherInterpreters(t *testing.T) {
	needJail(t)
	pythons := otherPythons()
	if len(pythons) == 0 {
		t.Skip("needs a CPython besides " + python + " (pyenv's or the distribution's): none found")
	}
	for _, py := range pythons {
		t.Run(filepath.Base(py), func(t *testing.T) {
			out, err := exec.Command(binary, "selftest", "--python", py).CombinedOutput()
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			t.Logf("%s: %s", py, lines[len(lines)-1])
			if err != nil {
				t.Errorf("selftest --python %s: %v\n%s", py, err, out)
			}
		})
	}
}

// supportedPython reports whether name is python3.N with N >= 8: the
// versions jailpy supports (3.7 and older ended their life before 2024).
func supportedPython(name string) bool {
	minor, err := strconv.Atoi(strings.TrimPrefix(name, "python3."))
	return strings.HasPrefix(name, "python3.") && err == nil && minor >= 8
}
