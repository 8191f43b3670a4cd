package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The host integrations (clients/python, examples/django, examples/rust)
// run their own test suites against the binary under test, so CI reads
// them in go test's summary like the rest. Each skips, naming the
// package, on a machine without the toolchain; scripts/setup --examples
// installs them on Debian and Ubuntu.

// hostSuite runs one suite in dir (relative to the repository) and fails
// with its output. Python's unittest exits 0 when tests skip, so a skip
// inside the suite (JAILPY not seen) is a failure here.
func hostSuite(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	needJail(t)
	cmd := exec.Command(name, args...)
	cmd.Dir = filepath.Join("..", dir)
	cmd.Env = append(append(os.Environ(), "JAILPY="+binary, "JAILPY_PYTHON="+python), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, dir, err, out)
	}
	if strings.Contains(string(out), "skipped") || strings.Contains(string(out), "SKIPPED") {
		t.Fatalf("%s: tests skipped with the binary given:\n%s", dir, out)
	}
	return string(out)
}

func TestPythonClient(t *testing.T) {
	out := hostSuite(t, "clients/python", nil, python, "-m", "unittest", "discover", "-s", "tests", "-v")
	t.Log(lastLines(out, 3))
}

func TestDjangoExample(t *testing.T) {
	if exec.Command(python, "-c", "import django").Run() != nil {
		t.Skipf("Django is not installed for %s (apt-get install python3-django, or scripts/setup --examples)", python)
	}
	out := hostSuite(t, "examples/django", nil, python, "manage.py", "test", "-v", "2")
	t.Log(lastLines(out, 3))
}

func TestRustExample(t *testing.T) {
	// Debian's cargo and crates, as CI has them (examples/rust/.cargo/config.toml).
	for _, need := range []string{"/usr/bin/cargo", "/usr/bin/rustc", "/usr/share/cargo/registry"} {
		if _, err := os.Stat(need); err != nil {
			t.Skipf("%s is missing (apt-get install cargo librust-serde-json-dev librust-serde-derive-dev, or scripts/setup --examples)", need)
		}
	}
	if m, _ := filepath.Glob("/usr/share/cargo/registry/serde_json-*"); len(m) == 0 {
		t.Skip("serde_json is not in /usr/share/cargo/registry (apt-get install librust-serde-json-dev librust-serde-derive-dev)")
	}
	out := hostSuite(t, "examples/rust", []string{"JAILPY_REQUIRED=1"}, "/usr/bin/cargo", "test", "--quiet")
	t.Log(lastLines(out, 6))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
