package selftest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// TestCorpus checks the embedded corpus as CI and users get it: every file
// parses, there are at least 60, and every category has attacks.
func TestCorpus(t *testing.T) {
	attacks, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(attacks) < 60 {
		t.Errorf("the corpus has %d attacks; the selftest promises at least 60", len(attacks))
	}
	per := map[string]int{}
	for _, a := range attacks {
		per[a.Category]++
		if !strings.HasPrefix(a.Name, a.Category+"_") {
			t.Errorf("%s: name should start with its category %q", a.Name, a.Category)
		}
		if !strings.Contains(string(a.Source), "def attack(canary)") {
			t.Errorf("%s: no attack(canary) function", a.Name)
		}
	}
	for _, c := range Categories {
		if per[c] == 0 {
			t.Errorf("no attack in category %q", c)
		}
	}
}

// TestParseRejectsBadHeaders: a malformed header is an error naming the
// attack, never an attack that silently expects nothing.
func TestParseRejectsBadHeaders(t *testing.T) {
	good := "# category: files\n# tries: x\n# expect: error OSError\n"
	cases := map[string]string{
		"no category":      "# tries: x\n# expect: ok\n",
		"unknown category": "# category: fun\n# tries: x\n# expect: ok\n",
		"no expect":        "# category: files\n# tries: x\n",
		"bad status":       "# category: files\n# tries: x\n# expect: fine\n",
		"three words":      "# category: files\n# tries: x\n# expect: error A B\n",
		"bad value":        good[:len(good)-len("# expect: error OSError\n")] + "# expect: ok\n# value: {\n",
		"value without ok": good + "# value: 1\n",
		"unknown key":      good + "# colour: red\n",
		"twice":            good + "# tries: y\n",
	}
	for name, src := range cases {
		if _, err := Parse("t", []byte(src)); err == nil || !strings.Contains(err.Error(), "attack t") {
			t.Errorf("%s: got %v, want an error naming the attack", name, err)
		}
	}
	a, err := Parse("t", []byte(good+"# timeout: 1s\n# memory: 64MiB\n\ndef attack(canary): pass\n# expect: ok\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Limits["timeout"] != "1s" || a.Limits["memory"] != "64MiB" || len(a.Expect) != 1 {
		t.Errorf("parsed %+v; the header ends at the first non-comment line", a)
	}
}

// TestHolds: an attack holds only on one of its outcomes, with the value
// pinned when it names one.
func TestHolds(t *testing.T) {
	a, err := Parse("t", []byte("# category: kernel\n# tries: x\n# expect: violation socket | error OSError\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		res  jail.Result
		want bool
	}{
		{jail.Result{Status: jail.StatusViolation, Syscall: "socket"}, true},
		{jail.Result{Status: jail.StatusViolation, Syscall: "connect"}, false},
		{jail.Result{Status: jail.StatusError, Error: &jail.ErrorInfo{Type: "OSError"}}, true},
		{jail.Result{Status: jail.StatusError, Error: &jail.ErrorInfo{Type: "PermissionError"}}, false},
		{jail.Result{Status: jail.StatusOK, Value: json.RawMessage(`1`)}, false},
	} {
		if got := a.Holds(&c.res); got != c.want {
			t.Errorf("%+v: holds %v, want %v", c.res, got, c.want)
		}
	}
	v, _ := Parse("v", []byte("# category: env\n# tries: x\n# expect: ok\n# value: {\"a\": [1, 2]}\n"))
	if !v.Holds(&jail.Result{Status: jail.StatusOK, Value: json.RawMessage(`{"a":[1,2]}`)}) ||
		v.Holds(&jail.Result{Status: jail.StatusOK, Value: json.RawMessage(`{"a":[2,1]}`)}) {
		t.Error("value: want equal JSON to hold and different JSON not to")
	}
	if !slices.Equal([]string{v.ExpectString(), a.ExpectString()}, []string{"ok", "violation socket | error OSError"}) {
		t.Errorf("ExpectString: %q, %q", v.ExpectString(), a.ExpectString())
	}
}
