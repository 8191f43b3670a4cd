package selftest

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// TestChecksSeeEveryEscape does, from the host side, each thing an escaped
// attack could do, and checks that the selftest's checks name every one:
// a check that cannot fail would make the corpus prove nothing.
func TestChecksSeeEveryEscape(t *testing.T) {
	c, err := Plant(-1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := os.Getenv(c.Env); v != c.Secret {
		t.Fatalf("the secret is not in the environment: %q", v)
	}
	marker := filepath.Join(c.Dir, "marker-t")
	before := c.snapshot()
	if got := c.escapes(before, marker, []byte(`{"status":"ok"}`+"\n"), nil); len(got) != 0 {
		t.Fatalf("nothing happened, yet: %v", got)
	}

	args := string(c.Args(marker))
	if strings.Contains(args, c.Secret) {
		t.Fatal("the attack's argument carries the secret")
	}
	for _, l := range c.listeners {
		var conn net.Conn
		switch l.kind {
		case "abstract", "unix":
			conn, err = net.Dial("unix", l.addr)
		case "tcp":
			conn, err = net.Dial("tcp4", l.addr)
		case "udp":
			conn, err = net.Dial("udp4", l.addr)
			if err == nil {
				conn.Write([]byte("x"))
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", l.kind, err)
		}
		conn.Close()
	}
	os.WriteFile(marker, nil, 0o644)
	sleeper := startSleeper(t)
	ns, _ := os.Readlink("/proc/" + itoa(sleeper.Pid) + "/ns/pid")
	cg := t.TempDir()
	syscall.Kill(c.sentinel.Process.Pid, syscall.SIGKILL)
	time.Sleep(50 * time.Millisecond) // the listeners count in their own goroutines

	got := strings.Join(c.escapes(before, marker, []byte("x"+c.Secret+"\n"), &jail.Started{PidNS: ns, Cgroups: []string{cg}}), "\n")
	for _, want := range []string{
		"secret is in the verdict", "tcp listener", "udp listener", "unix listener", "abstract listener",
		"sentinel", "marker path exists", "canary directory changed", "processes of the run are left", "cgroup is left",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missed %q; the checks said:\n%s", want, got)
		}
	}
}

// TestStrictVerdict: the selftest reads verdicts as a careful caller
// would, so a verdict a caller could misparse is a wrong verdict.
func TestStrictVerdict(t *testing.T) {
	good := `{"version":1,"status":"ok","value":1,"stdout":"","stderr":"","wall_ms":1,"cpu_ms":1,"memory_bytes":1,"limits":{"timeout_ms":1,"cpu_ms":1,"memory_bytes":1,"pids":1,"output_bytes":1,"result_bytes":1,"tmp_bytes":1,"cgroup":"v1"}}`
	if _, err := strictVerdict([]byte(good + "\n")); err != nil {
		t.Fatalf("a good verdict: %v", err)
	}
	for name, bad := range map[string]string{
		"no newline":     good,
		"two lines":      good + "\n" + good + "\n",
		"extra field":    strings.Replace(good, `"value":1`, `"value":1,"forged":true`, 1) + "\n",
		"unknown status": strings.Replace(good, `"ok"`, `"fine"`, 1) + "\n",
		"invalid utf-8":  strings.Replace(good, `"stdout":""`, "\"stdout\":\"\xff\"", 1) + "\n",
		"trailing json":  good + " {}\n",
	} {
		if _, err := strictVerdict([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
