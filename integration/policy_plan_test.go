package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// tryImports imports each module the way a bypass of the policy's checks
// would (the policy file below turns the dunder checks off, and a stdlib
// function's globals hold the real builtins), and says what came of it: "ok", "absent" (no such
// module in the jail) or "builtin" (compiled into the interpreter: no
// plan can leave it out).
const tryImports = `import random
def main(names):
    imp = random.choice.__globals__["__builtins__"]["__import__"]
    sys = imp("sys")
    out = {}
    for n in names:
        if n in sys.builtin_module_names:
            out[n] = "builtin"
            continue
        try:
            imp(n)
            out[n] = "ok"
        except ImportError:
            out[n] = "absent"
    return out
`

// capabilityModules give the jail's code a capability if importable: raw
// calls, sockets, child processes, file descriptors' ioctls, shared memory.
var capabilityModules = []string{"_ctypes", "ctypes", "_socket", "socket", "_posixsubprocess", "subprocess", "select", "fcntl", "_multiprocessing", "_posixshmem", "_ssl", "termios", "_curses", "readline", "_sqlite3"}

// A policy narrows the jail's filesystem: of the C parts of the stdlib,
// only those its modules and the wrapper need are there, so code that
// slips past the checks finds no _ctypes, _posixsubprocess or select to
// load. Without a policy they import, so the test would see the
// narrowing stop. On every CPython of the machine.
func TestPolicyPlanLeavesOutModules(t *testing.T) {
	args, _ := json.Marshal([]any{capabilityModules})
	pol := filepath.Join(workDir, "random-no-dunder.toml")
	if err := os.WriteFile(pol, []byte("base = \"safe\"\ndunder = false\nimports = [\"random\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outcomes := func(r result) map[string]string {
		t.Helper()
		expect(t, r, jail.StatusOK)
		var m map[string]string
		if err := json.Unmarshal(r.Value, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, py := range append([]string{python}, otherPythons()...) {
		full := outcomes(jailpy(t, run{src: tryImports, args: string(args), flags: []string{"--python", py}}))
		narrow := outcomes(jailpy(t, run{src: tryImports, args: string(args), flags: []string{"--python", py, "--policy", pol}}))
		if full["_ctypes"] != "ok" {
			t.Fatalf("%s: without a policy _ctypes does not import (%v): nothing to leave out", py, full)
		}
		absent := 0
		for _, m := range capabilityModules {
			// The pure-Python side of a C module is there (Python
			// source adds nothing): it imports when its C part is
			// compiled into the interpreter.
			cpart := map[string]string{"ctypes": "_ctypes", "socket": "_socket", "subprocess": "_posixsubprocess"}[m]
			switch {
			case narrow[m] == "absent":
				absent++
			case narrow[m] == "ok" && (cpart == "" || narrow[cpart] != "builtin"):
				t.Errorf("%s: %s imports under a policy that allows only random", py, m)
			}
		}
		if narrow["_ctypes"] != "absent" || narrow["ctypes"] != "absent" {
			t.Errorf("%s: ctypes is there: %v", py, narrow)
		}
		t.Logf("%s: %d of %d absent; builtin: %v", py, absent, len(capabilityModules), builtins(narrow))
	}
	// Each run of the jail rootless too (its cache falls back to $TMPDIR).
	r := jailpy(t, run{src: tryImports, args: string(args), flags: []string{"--policy", pol}, rootless: true})
	if got := outcomes(r); got["_ctypes"] != "absent" {
		t.Errorf("rootless: %v", got)
	}
}

func builtins(m map[string]string) []string {
	var out []string
	for k, v := range m {
		if v == "builtin" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Every module the math profile allows works in its narrowed jail, on
// every path of the wrapper (a call, an exception's traceback, a codec
// found by name, batch mode) and through what allowed modules import
// lazily (found by the review: 3.13's collections.abc, singledispatch's
// weakref, random.seed's hashlib, __future__). On every CPython here.
func TestPolicyPlanKeepsWhatItAllows(t *testing.T) {
	src := `from __future__ import annotations
import math, statistics, fractions, decimal, random, itertools, functools, collections, heapq, bisect
@functools.singledispatch
def kind(x):
    return 0
def main(xs):
    r = random.Random(4)
    r.seed("a string seed")
    d = collections.deque(xs)
    c = collections.Counter(xs)
    h = list(xs)
    heapq.heapify(h)
    return [statistics.median(xs), round(statistics.stdev(xs), 4), float(fractions.Fraction(1, 3) + 1),
            str(decimal.Decimal(1) / decimal.Decimal(7)), kind(1), list(itertools.accumulate(xs)),
            functools.reduce(lambda a, b: a * b, xs), len(d), c.most_common(1)[0][1], heapq.heappop(h),
            bisect.bisect(sorted(xs), 2), math.comb(5, 2), "é".encode("latin-1")[0]]
def boom(xs):
    return statistics.mean([])
`
	want := `[2.0,0.8165,1.3333333333333333,"0.1428571428571428571428571429",0,[3,4,6,8],12,4,2,1,3,10,233]`
	safeSrc := "import datetime\ndef main():\n    d = datetime.datetime(2020, 1, 1)\n    return [d.astimezone().year, datetime.datetime.strptime('2021', '%Y').year]\n"
	for _, py := range append([]string{python}, otherPythons()...) {
		for _, profile := range []string{"math", "safe"} {
			flags := []string{"--python", py, "--policy", profile}
			r := jailpy(t, run{src: src, args: "[[3, 1, 2, 2]]", flags: flags})
			if r.Status != jail.StatusOK || string(r.Value) != want {
				t.Errorf("%s %s: %s", py, profile, r)
			}
			r = jailpy(t, run{src: src, fn: "boom", args: "[[]]", flags: flags})
			if r.Status != jail.StatusError || r.Error.Type != "statistics.StatisticsError" || r.Error.Line != 18 || !strings.Contains(r.Error.Traceback, "statistics.py") {
				t.Errorf("%s %s: error %s", py, profile, r)
			}
		}
		// The interpreter's own imports from C (strptime's _strptime,
		// astimezone's time) pass the import guard and are in the jail.
		if r := jailpy(t, run{src: safeSrc, flags: []string{"--python", py, "--policy", "safe"}}); r.Status != jail.StatusOK || string(r.Value) != "[2020,2021]" {
			t.Errorf("%s: datetime under safe: %s", py, r)
		}
	}
	b := runBatch(t, src, "main", []string{"[[1, 2]]", "[[1, 2, 3]]"}, "--policy", "math")
	if len(b.verdicts) != 2 || b.verdicts[0].Status != jail.StatusOK || b.verdicts[1].Status != jail.StatusOK {
		t.Fatalf("batch under math: %+v (stderr %q)", b.verdicts, b.stderr)
	}
}

// A module the policy file allows is mounted with what it imports, even
// one the built-in profiles leave out.
func TestPolicyPlanMountsAllowedModules(t *testing.T) {
	pol := filepath.Join(workDir, "ctypes.toml")
	if err := os.WriteFile(pol, []byte("imports = [\"ctypes\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := jailpy(t, run{src: "import ctypes\ndef main():\n    return ctypes.sizeof(ctypes.c_int32)\n", flags: []string{"--policy", pol}})
	expect(t, r, jail.StatusOK)
	if string(r.Value) != "4" {
		t.Fatalf("value %s", r.Value)
	}
}

// The copy of a policy's modules lives in the cache; removed, it is made
// again, and a cache nobody can trust fails the run closed, never runs it
// on the whole stdlib.
func TestPolicyPlanCache(t *testing.T) {
	cache := t.TempDir()
	env := append(os.Environ(), "XDG_CACHE_HOME="+cache)
	call := func() result {
		return jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]", flags: []string{"--policy", "math"}, env: env})
	}
	expect(t, call(), jail.StatusOK)
	copies, _ := filepath.Glob(filepath.Join(cache, "jailpy", "modules-*"))
	if len(copies) != 1 {
		t.Fatalf("want one copy of the modules in the cache, found %v", copies)
	}
	if err := os.RemoveAll(copies[0]); err != nil {
		t.Fatal(err)
	}
	expect(t, call(), jail.StatusOK)
	if _, err := os.Stat(copies[0]); err != nil {
		t.Fatalf("the copy was not made again: %v", err)
	}
	// A file of the copy deleted (a tmp cleaner) and one truncated: the
	// next run notices and makes a whole copy again (found by review: a
	// damaged copy used to fail every run after it).
	inits, _ := filepath.Glob(filepath.Join(copies[0], "collections", "__init__.py"))
	pycs, _ := filepath.Glob(filepath.Join(copies[0], "collections", "__pycache__", "__init__.*.pyc"))
	if len(inits) != 1 || len(pycs) != 1 {
		t.Fatalf("no collections/__init__ in the copy: %v %v", inits, pycs)
	}
	os.Remove(inits[0])
	os.Remove(pycs[0])
	expect(t, call(), jail.StatusOK)
	os.Truncate(filepath.Join(copies[0], "statistics.py"), 10)
	if stale, _ := filepath.Glob(filepath.Join(copies[0], "__pycache__", "statistics.*.pyc")); len(stale) == 1 {
		os.Remove(stale[0])
	}
	expect(t, call(), jail.StatusOK)

	// A module added to the copy widens the jail: the copy is replaced.
	planted := filepath.Join(copies[0], "lib-dynload", "planted.py")
	if err := os.WriteFile(planted, []byte("X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect(t, call(), jail.StatusOK)
	if _, err := os.Stat(planted); err == nil {
		t.Errorf("a file added to the copy is still there after the next run")
	}

	// A cache reached through a symlink (a home that is one) works.
	link := filepath.Join(t.TempDir(), "cache-link")
	if err := os.Symlink(cache, link); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "XDG_CACHE_HOME="+link)
	expect(t, call(), jail.StatusOK)
	// Group-writable: another user could plant modules in it.
	needRoot(t)
	bad := t.TempDir()
	if err := os.Mkdir(filepath.Join(bad, "jailpy"), 0o770); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(bad, "jailpy"), 0o770)
	tmp := t.TempDir()
	if err := os.Mkdir(filepath.Join(tmp, "jailpy-0"), 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(tmp, "jailpy-0"), 0o777)
	env = append(os.Environ(), "XDG_CACHE_HOME="+bad, "TMPDIR="+tmp)
	r := call()
	expect(t, r, jail.StatusInternal)
	if !strings.Contains(r.Error.Message, "cache directory") {
		t.Fatalf("message: %+v", r.Error)
	}
	// The $TMPDIR fallback as a symlink, even to a directory of ours, is
	// not followed: in a shared directory it is someone else's.
	os.Remove(filepath.Join(tmp, "jailpy-0"))
	mine := t.TempDir()
	if err := os.Symlink(mine, filepath.Join(tmp, "jailpy-0")); err != nil {
		t.Fatal(err)
	}
	expect(t, call(), jail.StatusInternal)
	if ents, _ := os.ReadDir(mine); len(ents) != 0 {
		t.Errorf("jailpy wrote through the symlink: %v", ents)
	}
	// A relative TMPDIR would put the cache in the caller's directory.
	cwd := t.TempDir()
	env = append(os.Environ(), "XDG_CACHE_HOME="+bad, "TMPDIR=rel")
	r = jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]", flags: []string{"--policy", "math"}, env: env, dir: cwd})
	expect(t, r, jail.StatusInternal)
	if _, err := os.Stat(filepath.Join(cwd, "rel")); err == nil {
		t.Errorf("a relative TMPDIR made a cache in the working directory")
	}
}
