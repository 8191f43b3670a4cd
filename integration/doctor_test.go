package integration

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestDoctorOnThisHost: on a host that runs jails, every check passes
// (a cgroup-less host may warn) and the trial run is a real jail.
func TestDoctorOnThisHost(t *testing.T) {
	needJail(t)
	out, err := exec.Command(binary, "doctor", "--json", "--python", python).Output()
	var doc struct {
		Checks []struct{ Check, Result, Detail, Fix string } `json:"checks"`
		OK     bool                                          `json:"ok"`
	}
	if jerr := json.Unmarshal(out, &doc); jerr != nil || err != nil || !doc.OK {
		t.Fatalf("doctor: %v / %v: %s", err, jerr, out)
	}
	names := []string{}
	for _, c := range doc.Checks {
		names = append(names, c.Check)
		if c.Result == "fail" || c.Result == "warn" && c.Check != "cgroup" {
			t.Errorf("%s: %s: %s (fix: %s)", c.Check, c.Result, c.Detail, c.Fix)
		}
	}
	if strings.Join(names, ",") != "kernel,user namespaces,seccomp,cgroup,interpreter,cache,trial run,trial run, --policy safe" {
		t.Errorf("checks: %v", names)
	}
}

// TestDoctorFailsAndRootfsShow: a missing interpreter fails doctor (exit
// 1, with the fix); rootfs show lists the interpreter's own files and
// nothing of /etc or /home.
func TestDoctorFailsAndRootfsShow(t *testing.T) {
	needJail(t)
	out, err := exec.Command(binary, "doctor", "--python", "/nonexistent/python3").Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "fail  interpreter") || !strings.Contains(string(out), "fix:") {
		t.Errorf("doctor with no interpreter: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "rootfs", "show", "--python", python).Output()
	if err != nil || !strings.Contains(string(out), python) || strings.Contains(string(out), " /etc") || strings.Contains(string(out), " /home") {
		t.Errorf("rootfs show: %v\n%s", err, out)
	}
	// Under a policy the stdlib comes from the cache's copy of its modules.
	out, err = exec.Command(binary, "rootfs", "show", "--python", python, "--policy", "math").Output()
	if err != nil || !strings.Contains(string(out), "/modules-") {
		t.Errorf("rootfs show --policy math: %v\n%s", err, out)
	}
}
