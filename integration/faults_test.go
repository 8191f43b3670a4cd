package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jailpy/jailpy/jail"
)

var (
	faultOnce   sync.Once
	faultBinary string // jailpy built with -tags jailpyfault
	faultErr    error
)

// buildFaultBinary builds jailpy with its fault points compiled in: the
// same code as the binary under test plus a stop at each named point.
func buildFaultBinary(t *testing.T) string {
	t.Helper()
	faultOnce.Do(func() {
		faultBinary = filepath.Join(workDir, "jailpy-fault")
		build := exec.Command("bash", "../scripts/build", faultBinary)
		build.Env = append(os.Environ(), "JAILPY_TAGS=jailpyfault")
		out, err := build.CombinedOutput()
		if err != nil {
			faultErr = fmt.Errorf("build with -tags jailpyfault: %v\n%s", err, out)
		}
	})
	if faultErr != nil {
		t.Fatal(faultErr)
	}
	return faultBinary
}

// The largest caps jailpy exec accepts for --output and --result.
const (
	maxOutput = "1MiB"
	maxResult = "4MiB"
)

// floodSrc writes to stdout until it is stopped (1 GiB at most).
const floodSrc = "import os\ndef main():\n    b = b'x' * (1 << 20)\n    for _ in range(1024):\n        os.write(1, b)\n"

// TestKilledAtEveryPointLeavesNothing stops jailpy (or its init) at each
// fault point of a run's life, SIGKILLs jailpy there, and checks that no
// process of the run outlives it, the host's mount table is unchanged,
// and the run's cgroup is gone once the next jailpy has started (a killed
// jailpy cannot remove it; every start reaps a dead jailpy's cgroups).
func TestKilledAtEveryPointLeavesNothing(t *testing.T) {
	needJail(t)
	bin := buildFaultBinary(t)
	points := []struct {
		name string
		src  string
		init bool // the point is in the jail's init, not in jailpy
	}{
		{"plan", sleepSrc, false},    // interpreter planned, nothing made yet
		{"cgroup", sleepSrc, false},  // run cgroup made, no process
		{"spawned", sleepSrc, false}, // init cloned into its namespaces, waiting for its config
		{"sources", sleepSrc, false}, // bind sources sent
		{"config", sleepSrc, false},  // config sent, init setting up
		{"i-config", sleepSrc, true}, // init has its config
		{"i-rootfs", sleepSrc, true}, // init has mounted and pivoted
		{"i-caps", sleepSrc, true},   // init has dropped its capabilities
		{"running", sleepSrc, false}, // user code running
		{"output", floodSrc, false},  // reading a flood of output
		{"waited", scoreSrc, false},  // run over, cgroup not yet read or removed
		{"verdict", scoreSrc, false}, // verdict decided, not yet printed
	}
	for _, p := range points {
		t.Run(p.name, func(t *testing.T) {
			fn := ""
			if p.src == scoreSrc {
				fn = "score"
			}
			mounts := mountTable(t)
			var pidNS []string
			var reached bool
			res := jailpy(t, run{src: p.src, fn: fn, args: argsFor(fn), binary: bin,
				flags: []string{"--timeout", "20s"},
				env:   append(os.Environ(), "JAILPY_FAULT="+p.name),
				started: func(cmd *exec.Cmd) {
					reached = waitFor(10*time.Second, func() bool { return atPoint(cmd.Process.Pid, p.name, p.init) })
					for _, c := range childrenOf(cmd.Process.Pid) {
						if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", c)); err == nil {
							pidNS = append(pidNS, ns)
						}
					}
					cmd.Process.Kill()
				}})
			if !reached {
				t.Fatalf("jailpy never reached fault point %q: %s", p.name, res)
			}
			if res.code != -1 {
				t.Fatalf("jailpy was not killed at %q: %s", p.name, res)
			}
			for _, ns := range pidNS {
				if !waitFor(5*time.Second, func() bool { return len(inPidNS(ns)) == 0 }) {
					t.Errorf("processes of the run outlived jailpy: %v in %s", inPidNS(ns), ns)
				}
			}
			if now := mountTable(t); !bytes.Equal(now, mounts) {
				t.Errorf("the host's mount table changed:\n%s\nwas:\n%s", now, mounts)
			}
			jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1]]"}) // reaps
			if left := runCgroups(t); len(left) != 0 {
				t.Errorf("cgroups left after the next run: %v", left)
			}
		})
	}
}

func argsFor(fn string) string {
	if fn == "score" {
		return "[[1, 2]]"
	}
	return ""
}

// atPoint reports whether jailpy (pid) has stopped at its fault point, or,
// for an init point, whether its init has renamed itself for it.
func atPoint(pid int, name string, init bool) bool {
	if !init {
		return procState(pid) == "T"
	}
	for _, c := range childrenOf(pid) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c))
		if strings.TrimSpace(string(comm)) == "F-"+name {
			return true
		}
	}
	return false
}

// inPidNS lists the host pids of the live processes in the pid namespace
// ns ("pid:[N]"). A zombie is dead: once jailpy is gone its init is
// reaped by the host's init (or a subreaper), on that process's schedule
// (seen taking 1-2 s here), not jailpy's.
func inPidNS(ns string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && link == ns && procState(pid) != "Z" {
			pids = append(pids, pid)
		}
	}
	return pids
}

func mountTable(t *testing.T) []byte {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestThousandRunsLeakNothing: 1,000 runs one after another, then 1,000
// eight at a time, leave no cgroup, mount, process or cache file behind,
// and jailpy's own peak RSS (VmHWM at its exit fault point, read for the
// first and last 50 runs) does not grow with the number of runs.
func TestThousandRunsLeakNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 2,000 runs")
	}
	needJail(t)
	bin := buildFaultBinary(t)
	jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1]]"}) // the plan cache exists from here on
	cache := cacheFiles()
	mounts := mountTable(t)
	const runs, sample = 1000, 50
	for _, parallel := range []int{1, 8} {
		hwm := make([]int64, runs)
		var wg sync.WaitGroup
		errs := make(chan string, runs)
		sem := make(chan struct{}, parallel)
		for i := range hwm {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer wg.Done()
				defer func() { <-sem }()
				src := scoreSrc
				if i%10 == 0 {
					src = "def score(v):\n    raise ValueError('x')\n"
				}
				r := run{src: src, fn: "score", args: "[[1, 2]]", binary: bin}
				if i < sample || i >= runs-sample {
					r.env = append(os.Environ(), "JAILPY_FAULT=exit")
					r.started = func(cmd *exec.Cmd) {
						pid := cmd.Process.Pid
						if waitFor(10*time.Second, func() bool { return procState(pid) == "T" }) {
							hwm[i] = kib(procStatus(pid)["VmHWM"])
						}
						cmd.Process.Signal(syscall.SIGCONT)
					}
				}
				res := jailpy(t, r)
				if res.Status != jail.StatusOK && res.Status != jail.StatusError {
					errs <- res.String()
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		first, last := hwm[:sample], hwm[runs-sample:]
		if slices.Contains(first, 0) || slices.Contains(last, 0) {
			t.Fatalf("%d at a time: could not read jailpy's VmHWM at every sampled exit", parallel)
		}
		t.Logf("%d at a time: jailpy's own peak RSS, median of runs 1-%d %.1f MiB, of runs %d-%d %.1f MiB, max %.1f MiB",
			parallel, sample, mib(median(first)), runs-sample+1, runs, mib(median(last)), mib(max(slices.Max(first), slices.Max(last))))
		if median(last) > median(first)+2<<20 {
			t.Errorf("%d at a time: jailpy's peak RSS grew from %.1f to %.1f MiB over %d runs", parallel, mib(median(first)), mib(median(last)), runs)
		}
		if left := runCgroups(t); len(left) != 0 {
			t.Errorf("%d at a time: cgroups left behind: %v", parallel, left)
		}
		if now := mountTable(t); !bytes.Equal(now, mounts) {
			t.Errorf("%d at a time: the host's mount table changed", parallel)
		}
		if kids := childrenOf(os.Getpid()); len(kids) != 0 {
			t.Errorf("%d at a time: processes left behind: %v", parallel, kids)
		}
		if now := cacheFiles(); !slices.Equal(now, cache) {
			t.Errorf("%d at a time: the plan cache changed: %v, was %v", parallel, now, cache)
		}
	}
}

// cacheFiles lists jailpy's plan cache (as root, with the tests' HOME).
func cacheFiles() []string {
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache")
	}
	m, _ := filepath.Glob(filepath.Join(dir, "jailpy", "*"))
	return m
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// TestFloodsKeepJailpySmall: a function that writes 1 GiB to stdout, or
// returns the largest value allowed, with the largest caps jailpy accepts,
// keeps jailpy itself under 50 MiB: it reads at most the cap, then kills
// the run. jailpy's own peak (VmHWM) is read at its exit fault point.
func TestFloodsKeepJailpySmall(t *testing.T) {
	needJail(t)
	bin := buildFaultBinary(t)
	// Control bytes are the worst case for the verdict's JSON: each
	// becomes a six-byte \u escape.
	ctrlFlood := strings.Replace(floodSrc, "b'x'", "b'\\x01'", 1)
	for _, c := range []struct {
		name, src string
		flags     []string
		want      jail.Status
	}{
		{"stdout", floodSrc, []string{"--output", maxOutput}, jail.StatusOutput},
		{"stdout control bytes", ctrlFlood, []string{"--output", maxOutput}, jail.StatusOutput},
		{"stderr control bytes", strings.Replace(ctrlFlood, "os.write(1", "os.write(2", 1), []string{"--output", maxOutput}, jail.StatusOutput},
		// Values just under and just over the result cap, all escapes.
		{"result", "def main():\n    return ['\\x01' * 1000] * 690\n", []string{"--result", maxResult, "--output", maxOutput}, jail.StatusOK},
		{"result over", "def main():\n    return ['\\x01' * 1000] * 1000\n", []string{"--result", maxResult}, jail.StatusOutput},
		{"everything", "import os\ndef main():\n    os.write(1, b'\\x01' * (1 << 20))\n    os.write(2, b'\\x01' * (1 << 20))\n    return ['\\x01' * 1000] * 690\n",
			[]string{"--result", maxResult, "--output", maxOutput}, jail.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hwm int64
			r := jailpy(t, run{src: c.src, binary: bin, env: append(os.Environ(), "JAILPY_FAULT=exit"),
				flags: append(c.flags, "--timeout", "20s"),
				started: func(cmd *exec.Cmd) {
					pid := cmd.Process.Pid
					if waitFor(20*time.Second, func() bool { return procState(pid) == "T" }) {
						hwm = kib(procStatus(pid)["VmHWM"])
					}
					cmd.Process.Signal(syscall.SIGCONT)
				}})
			expect(t, r, c.want)
			if hwm == 0 {
				t.Fatal("could not read jailpy's VmHWM at its exit")
			}
			t.Logf("jailpy's own peak RSS: %.1f MiB", mib(hwm))
			if hwm >= 50<<20 {
				t.Errorf("jailpy peaked at %.1f MiB", mib(hwm))
			}
		})
	}
}

// kib reads a /proc/PID/status size ("1234 kB") in bytes.
func kib(field string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(field), " kB"), 10, 64)
	return n << 10
}
