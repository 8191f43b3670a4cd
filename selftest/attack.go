package selftest

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/jailpy/jailpy/jail"
)

//go:embed attacks/*.py
var corpus embed.FS

// Categories are the kinds of attack the corpus covers, in the order the
// README of attacks/ describes them.
var Categories = []string{"files", "env", "writes", "network", "processes", "kernel", "resources", "forgery", "escapes"}

// LimitKeys are the header keys that set a limit, named as jailpy exec's
// flags are.
var LimitKeys = []string{"timeout", "cpu-time", "memory", "pids", "output", "result", "tmp"}

// Attack is one file of the corpus.
type Attack struct {
	Name       string            // the file name without .py
	Category   string            // one of Categories
	Tries      string            // what it tries, one line
	Expect     []Outcome         // the verdicts the jail may produce; any one holds
	Value      json.RawMessage   // with expect ok: the exact value; nil = any
	Regression string            // the fixed hole it keeps closed, if any
	Limits     map[string]string // exec flag name → value, from the header
	Source     []byte
}

// Outcome is an expected verdict: a status and, where the status has one,
// its detail (exception type, syscall, limit, stream or signal); an empty
// Detail accepts any.
type Outcome struct {
	Status jail.Status
	Detail string
}

func (o Outcome) String() string {
	return strings.TrimSpace(string(o.Status) + " " + o.Detail)
}

// Matches reports whether res is this outcome.
func (o Outcome) Matches(res *jail.Result) bool {
	return res.Status == o.Status && (o.Detail == "" || o.Detail == Detail(res))
}

// Detail is the part of a verdict that says which way its status came
// about: what Outcome.Detail is compared with.
func Detail(res *jail.Result) string {
	switch res.Status {
	case jail.StatusError:
		if res.Error != nil {
			return res.Error.Type
		}
	case jail.StatusViolation:
		return res.Syscall
	case jail.StatusTimeout:
		return res.Limit
	case jail.StatusOutput:
		return res.Stream
	case jail.StatusCrash:
		return res.Signal
	}
	return ""
}

// ExpectString is the header's expect line, normalised.
func (a *Attack) ExpectString() string {
	parts := make([]string, len(a.Expect))
	for i, o := range a.Expect {
		parts[i] = o.String()
	}
	return strings.Join(parts, " | ")
}

// Holds reports whether res is one of the expected verdicts (and, for an
// expected value, carries exactly that value).
func (a *Attack) Holds(res *jail.Result) bool {
	for _, o := range a.Expect {
		if o.Matches(res) && (o.Status != jail.StatusOK || a.Value == nil || sameJSON(a.Value, res.Value)) {
			return true
		}
	}
	return false
}

func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// Load parses the embedded corpus, sorted by name.
func Load() ([]*Attack, error) {
	names, err := corpus.ReadDir("attacks")
	if err != nil {
		return nil, err
	}
	var out []*Attack
	for _, e := range names {
		if !strings.HasSuffix(e.Name(), ".py") {
			continue
		}
		src, err := corpus.ReadFile(path.Join("attacks", e.Name()))
		if err != nil {
			return nil, err
		}
		a, err := Parse(strings.TrimSuffix(e.Name(), ".py"), src)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

var knownStatuses = []jail.Status{
	jail.StatusOK, jail.StatusError, jail.StatusPolicy, jail.StatusTimeout, jail.StatusMemory,
	jail.StatusOutput, jail.StatusViolation, jail.StatusCrash, jail.StatusInternal,
}

// Parse reads one attack's header: the leading block of "# key: value"
// comment lines (see attacks/README.md).
func Parse(name string, src []byte) (*Attack, error) {
	a := &Attack{Name: name, Source: src, Limits: map[string]string{}}
	fail := func(format string, args ...any) (*Attack, error) {
		return nil, fmt.Errorf("attack %s: %s", name, fmt.Sprintf(format, args...))
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "#") {
			break
		}
		key, val, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if !ok {
			continue // a comment line in the header block
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if seen[key] {
			return fail("%q appears twice", key)
		}
		seen[key] = true
		switch {
		case key == "category":
			if !slices.Contains(Categories, val) {
				return fail("unknown category %q (want one of %s)", val, strings.Join(Categories, ", "))
			}
			a.Category = val
		case key == "tries":
			a.Tries = val
		case key == "expect":
			for _, alt := range strings.Split(val, "|") {
				f := strings.Fields(alt)
				if len(f) == 0 || len(f) > 2 || !slices.Contains(knownStatuses, jail.Status(f[0])) {
					return fail("expect %q: want STATUS [DETAIL] | ...", val)
				}
				o := Outcome{Status: jail.Status(f[0])}
				if len(f) == 2 {
					o.Detail = f[1]
				}
				a.Expect = append(a.Expect, o)
			}
		case key == "value":
			if !json.Valid([]byte(val)) {
				return fail("value %q is not JSON", val)
			}
			a.Value = json.RawMessage(val)
		case key == "regression":
			a.Regression = val
		case slices.Contains(LimitKeys, key):
			a.Limits[key] = val
		default:
			return fail("unknown header key %q", key)
		}
	}
	switch {
	case a.Category == "":
		return fail("no category")
	case a.Tries == "":
		return fail("no tries")
	case len(a.Expect) == 0:
		return fail("no expect")
	case a.Value != nil && !(len(a.Expect) == 1 && a.Expect[0].Status == jail.StatusOK):
		return fail("value needs expect: ok")
	}
	return a, nil
}
