package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// listStdlib returns what the jail sees of the stdlib directory and its
// lib-dynload, by module name. The policy file allows os alone, so the
// upload can look while every other module stays outside the allow-list.
const listStdlib = `import os
def main(stdlib):
    names = os.listdir(stdlib) + os.listdir(os.path.join(stdlib, "lib-dynload"))
    return sorted(n.split(".")[0] for n in names)
`

// capabilityModules give the jail's code a capability if importable: raw
// calls, sockets, child processes, file descriptors' ioctls, threads of
// other processes.
var capabilityModules = []string{"ctypes", "_ctypes", "socket", "_socket", "subprocess", "_posixsubprocess", "select", "fcntl", "multiprocessing", "_multiprocessing", "ssl", "_ssl", "asyncio", "pty", "termios"}

func hostStdlib(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(python, "-I", "-S", "-c", "import os; print(os.path.dirname(os.__file__))").Output()
	if err != nil {
		t.Fatalf("%s: %v", python, err)
	}
	dir, err := filepath.EvalSymlinks(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// A policy narrows the jail's filesystem to the modules it allows and
// what they import: a bypass of the policy's checks finds no ctypes,
// socket or subprocess to load. Without a policy they are there, so the
// test would see it if the narrowing stopped.
func TestPolicyPlanLeavesOutModules(t *testing.T) {
	stdlib := hostStdlib(t)
	args, _ := json.Marshal([]string{stdlib})
	pol := filepath.Join(workDir, "os-only.toml")
	if err := os.WriteFile(pol, []byte("imports = [\"os\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	modules := func(r result) []string {
		t.Helper()
		expect(t, r, jail.StatusOK)
		var names []string
		if err := json.Unmarshal(r.Value, &names); err != nil {
			t.Fatal(err)
		}
		return names
	}
	full := modules(jailpy(t, run{src: listStdlib, args: string(args)}))
	if !slices.Contains(full, "ctypes") || !slices.Contains(full, "socket") || !slices.Contains(full, "_ctypes") {
		t.Fatalf("the full plan has no ctypes or socket to leave out: %v", full)
	}
	for _, rootless := range []bool{false, true} {
		narrow := modules(jailpy(t, run{src: listStdlib, args: string(args), flags: []string{"--policy", pol}, rootless: rootless}))
		for _, m := range capabilityModules {
			if slices.Contains(narrow, m) {
				t.Errorf("rootless %v: %s is mounted under a policy that allows only os", rootless, m)
			}
		}
		// The start-up and the wrapper's own modules are there.
		for _, m := range []string{"os", "encodings", "traceback", "ast", "_json", "mmap"} {
			if slices.Contains(full, m) && !slices.Contains(narrow, m) {
				t.Errorf("rootless %v: %s is missing from the narrowed plan", rootless, m)
			}
		}
		if len(narrow) >= len(full)/2 {
			t.Errorf("rootless %v: the narrowed plan shows %d names of the stdlib's %d", rootless, len(narrow), len(full))
		}
	}
}

// Every module the math profile allows works in its narrowed jail, on
// every path of the wrapper: a call, an exception's traceback, a
// codec found by name, batch mode.
func TestPolicyPlanKeepsWhatItAllows(t *testing.T) {
	src := `import math, statistics, fractions, decimal, random, itertools, functools, collections, heapq, bisect
def main(xs):
    r = random.Random(4)
    d = collections.deque(xs)
    c = collections.Counter(xs)
    h = list(xs)
    heapq.heapify(h)
    return [statistics.median(xs), statistics.stdev(xs), float(fractions.Fraction(1, 3) + 1),
            str(decimal.Decimal(1) / decimal.Decimal(7)), r.randint(1, 6), list(itertools.accumulate(xs)),
            functools.reduce(lambda a, b: a * b, xs), len(d), c.most_common(1)[0][1], heapq.heappop(h),
            bisect.bisect(sorted(xs), 2), math.comb(5, 2), "é".encode("latin-1")[0]]
def boom(xs):
    return statistics.mean([])
`
	for _, profile := range []string{"math", "safe"} {
		r := jailpy(t, run{src: src, args: "[[3, 1, 2, 2]]", flags: []string{"--policy", profile}})
		expect(t, r, jail.StatusOK)
		if !strings.HasPrefix(string(r.Value), "[2.0,0.8164") || !strings.HasSuffix(string(r.Value), ",233]") {
			t.Errorf("%s: value %s", profile, r.Value)
		}
		r = jailpy(t, run{src: src, fn: "boom", args: "[[]]", flags: []string{"--policy", profile}})
		expect(t, r, jail.StatusError)
		if r.Error.Type != "statistics.StatisticsError" || r.Error.Line != 13 || !strings.Contains(r.Error.Traceback, "statistics.py") {
			t.Errorf("%s: error %+v", profile, r.Error)
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
}
