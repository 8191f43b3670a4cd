package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost is a /proc/sys with the given files, so the checks can be shown
// a host that lacks what this machine has.
func fakeHost(t *testing.T, euid int, files map[string]string) host {
	t.Helper()
	dir := t.TempDir()
	for name, v := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(v+"\n"), 0o644)
	}
	return host{procSys: dir, euid: euid}
}

func TestDoctorChecksOnFakeHosts(t *testing.T) {
	good := map[string]string{
		"kernel/osrelease":                 "6.1.0-13-amd64",
		"user/max_user_namespaces":         "15000",
		"kernel/seccomp/actions_avail":     "kill_process kill_thread trap errno user_notif trace log allow",
		"kernel/unprivileged_userns_clone": "1",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name   string
		euid   int
		files  map[string]string
		check  func(host) check
		result string
		fix    string // a word the fix must hold
	}{
		{"good kernel", 1000, good, host.kernelCheck, "ok", ""},
		{"old kernel", 1000, with("kernel/osrelease", "5.4.0-150-generic"), host.kernelCheck, "fail", "5.11"},
		{"no user_notif", 1000, with("kernel/seccomp/actions_avail", "kill_process errno allow"), host.seccompCheck, "fail", "notification"},
		{"no seccomp at all", 1000, with("kernel/seccomp/actions_avail", ""), host.seccompCheck, "fail", "notification"},
		{"userns on", 1000, good, host.userNSCheck, "ok", ""},
		{"userns max 0", 1000, with("user/max_user_namespaces", "0"), host.userNSCheck, "fail", "max_user_namespaces"},
		{"Debian switch off, user", 1000, with("kernel/unprivileged_userns_clone", "0"), host.userNSCheck, "fail", "unprivileged_userns_clone"},
		{"Debian switch off, root", 0, with("kernel/unprivileged_userns_clone", "0"), host.userNSCheck, "ok", ""},
		{"Ubuntu AppArmor, user", 1000, with("kernel/apparmor_restrict_unprivileged_userns", "1"), host.userNSCheck, "fail", "AppArmor"},
		{"Ubuntu AppArmor, root", 0, with("kernel/apparmor_restrict_unprivileged_userns", "1"), host.userNSCheck, "ok", ""},
	}
	for _, c := range cases {
		got := c.check(fakeHost(t, c.euid, c.files))
		if got.Result != c.result || !strings.Contains(got.Fix, c.fix) || (c.result == "ok") != (got.Fix == "") {
			t.Errorf("%s: %+v, want %s with a fix naming %q", c.name, got, c.result, c.fix)
		}
	}
}

func TestDoctorPrintsAndFails(t *testing.T) {
	checks := []check{{Name: "a", Result: "ok", Detail: "fine"}, {Name: "b", Result: "fail", Detail: "gone", Fix: "do x"}}
	var b bytes.Buffer
	if !printChecks(&b, checks, false) || !strings.Contains(b.String(), "fix: do x") || strings.Count(b.String(), "\n") != 3 {
		t.Errorf("table:\n%s", b.String())
	}
	b.Reset()
	var doc struct {
		Checks []check `json:"checks"`
		OK     bool    `json:"ok"`
	}
	if !printChecks(&b, checks, true) || json.Unmarshal(b.Bytes(), &doc) != nil || doc.OK || len(doc.Checks) != 2 {
		t.Errorf("json: %s", b.String())
	}
	if printChecks(&b, checks[:1], false) {
		t.Error("an all-ok list reported failed")
	}
}

func TestDoctorCacheCheck(t *testing.T) {
	for _, c := range []struct {
		dir      string
		fallback bool
		result   string
	}{
		{"/home/app/.cache/jailpy", false, "ok"},
		{filepath.Join(os.TempDir(), "jailpy-33"), true, "warn"},
		{"", false, "fail"},
	} {
		got := cacheCheck(c.dir, c.fallback)
		if got.Result != c.result || got.Result != "ok" && got.Fix == "" {
			t.Errorf("%q: %+v, want %s with a fix", c.dir, got, c.result)
		}
	}
}
