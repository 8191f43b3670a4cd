package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrorsAreOneLine checks the flag layer alone: each bad command
// line exits 2 with one line on stderr and nothing on stdout, before any
// jail is built.
func TestUsageErrorsAreOneLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "user.py")
	os.WriteFile(file, []byte("def main(): return 1\n"), 0o644)
	uidErr := "not 0"
	if os.Geteuid() != 0 {
		uidErr = "need root"
	}
	cases := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"exec"}, "", "exactly one FILE"},
		{[]string{"exec", file, file}, "", "exactly one FILE"},
		{[]string{"exec", "/nonexistent.py"}, "", "no such file"},
		{[]string{"exec", "--args", "[1,", file}, "", "--args is not valid JSON"},
		{[]string{"exec", "--args", "-", file}, "{}", "--args must be a JSON array"},
		{[]string{"exec", "--args", "[1] [2]", file}, "", "not valid JSON"},
		{[]string{"exec", "--kwargs", "[]", file}, "", "--kwargs must be a JSON object"},
		{[]string{"exec", "--args", "-", file}, "[\"\xdf\"]", "--args is not valid UTF-8"},
		{[]string{"exec", "--timeout", "5", file}, "", "--timeout"},
		{[]string{"exec", "--cpu-time", "-1s", file}, "", "--cpu-time"},
		{[]string{"exec", "--memory", "1TB", file}, "", "--memory"},
		{[]string{"exec", "--pids", "0", file}, "", "--pids"},
		{[]string{"exec", "--memory", "1MiB", file}, "", "at least 16MiB"},
		{[]string{"exec", "--pids", "5", file}, "", "at least 6"},
		{[]string{"exec", "--output", "2MiB", file}, "", "at most 1MiB"},
		{[]string{"exec", "--result", "5MiB", file}, "", "at most 4MiB"},
		{[]string{"exec", "--uid", "0", file}, "", uidErr},
		{[]string{"exec", "--gid", "-1", file}, "", uidErr},
		{[]string{"exec", "--func", "os.system", file}, "", "not a Python identifier"},
		{[]string{"exec", "--cgroup", "v3", file}, "", "--cgroup"},
		{[]string{"exec", "--filename", "../etc/x.py", file}, "", "--filename"},
		{[]string{"exec", "--filename", "", file}, "", "--filename"},
		{[]string{"exec", "--filename", "a\nb.py", file}, "", "--filename"},
		{[]string{"exec", "--python", "/nonexistent/python3", file}, "", "--python"},
		{[]string{"exec", "--bogus", file}, "", "bogus"},
		{[]string{"nosuchcommand"}, "", ""},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(append([]string{"jailpy"}, c.args...), strings.NewReader(c.stdin), &out, &errb)
		msg := errb.String()
		if code != 2 || out.Len() != 0 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, one line containing %q", c.args, code, out.String(), msg, c.want)
		}
	}
}
