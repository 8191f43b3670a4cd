package integration

import (
	"bytes"
	"encoding/json"
	"os/exec"
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
