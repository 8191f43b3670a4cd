// Command benchcmp compares the cost of one call of a trivial untrusted
// function (score of scripts/bench_score.py over [1, 2, 3, 4]) run four ways:
// bare (an unjailed runner on the same interpreter), jailpy exec,
// bubblewrap and firejail around the same bare runner. In one run it
// prints:
//
//   - cold start: each command run -n times, round-robin so machine noise
//     hits all alike, with median, p10, p90 and the ratio to bare;
//   - concurrency: 8 workers making -calls calls, bare and jailpy phases
//     alternated, the median throughput of each and jailpy/bare;
//   - where the time goes: jailpy exec --timings, each stage's median;
//   - memory: the largest wait4 ru_maxrss of the jailpy runs;
//   - batch: -batch calls through one jailpy exec --batch and through an
//     unjailed Python loop over the same JSON Lines, alternated.
//
// Every run's output is checked (status ok, the exact expected value);
// the first that fails stops the driver with the command's name. Commands
// whose tool is not installed are skipped with a note. Run it from the
// repository root, usually through scripts/bench:
//
//	go run ./scripts/benchcmp [-n 100] [-calls 400] [-batch 200000] [-markdown] [-quick]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// The call every command makes, and what it must return: the mean.
const (
	userFile  = "scripts/bench_score.py"
	runner    = "scripts/bare_runner.py"
	loop      = "scripts/bare_loop.py"
	funcName  = "score"
	argsJSON  = "[[1, 2, 3, 4]]"
	wantValue = 2.5
	wantText  = "2.5"
)

// warmup rounds are run and checked but not counted: they fill the page
// cache and jailpy's plan cache.
const warmup = 2

// workers is the concurrency of the throughput phases, and phases how many
// times each of bare and jailpy is measured (the median is kept).
const (
	workers = 8
	phases  = 3
)

func main() {
	n := flag.Int("n", 100, "cold-start runs of each command")
	calls := flag.Int("calls", 400, "calls per concurrency phase")
	python := flag.String("python", "/usr/bin/python3.11", "interpreter (the same for every command)")
	jailpy := flag.String("jailpy", "./jailpy", "jailpy binary")
	markdown := flag.Bool("markdown", false, "print the tables as Markdown")
	batch := flag.Int("batch", 200000, "calls per batch phase")
	quick := flag.Bool("quick", false, "CI: -n 5 -calls 40 -batch 2000, only checks that everything runs")
	flag.Parse()
	if *quick {
		*n, *calls, *batch = 5, 40, 2000
	}
	if *n < 1 || *calls < workers || *batch < 1 {
		fatalf("-n must be at least 1 and -calls at least %d", workers)
	}

	defer removeScratch()
	cmds, notes, err := commands(*python, *jailpy)
	if err != nil {
		fatalf("%v", err)
	}
	notes = append(notes, "Load average (/proc/loadavg) before the first run: "+loadavg()+" (the driver's own workers later push it to about "+fmt.Sprint(workers)+").")
	out := newPrinter(*markdown)
	if *quick {
		out.para("Quick mode (-n 5, -calls 40): checks that every command runs and returns the expected value; the numbers mean nothing.")
	}

	lat, err := coldStart(cmds, *n)
	if err != nil {
		fatalf("%v", err)
	}
	out.heading("Cold start: one call per process")
	out.table(latencyTable(cmds, lat))
	out.para(fmt.Sprintf("%d runs of each command after %d warm-up rounds, round-robin (each round starts one command later), wall time from fork to exit as seen by the driver.", *n, warmup))

	med, err := stages(cmds[1], max(*n/2, 5))
	if err != nil {
		fatalf("%v", err)
	}
	out.heading("Where jailpy's time goes")
	out.table(stageTable(med))
	out.para(fmt.Sprintf("Medians of `jailpy exec --timings` over %d runs of the same call: each stage's own median, so they need not add up to the total's.", max(*n/2, 5)))

	both := cmds[:2] // bare and jailpy: commands puts them first
	out.heading("Concurrency: " + fmt.Sprint(workers) + " workers")
	tp, err := concurrency(both, *calls)
	if err != nil {
		fatalf("%v", err)
	}
	out.table(throughputTable(both, tp))
	out.para(fmt.Sprintf("%d calls per phase, %d workers, bare and jailpy phases alternated %d times each; median throughput of each. Target: jailpy/bare >= 0.8.", *calls, workers, phases))

	out.heading("Memory")
	out.table(memoryTable(both, lat[:2]))
	out.para(fmt.Sprintf("The largest ru_maxrss that wait4 reported over the %d counted cold-start runs. For jailpy it is the max RSS of jailpy or its jail (its Python), an upper bound on jailpy's own. Target: <= 20 MiB.", *n))

	out.heading("Batch: one process, many calls")
	names, rates, err := batches(cmds[0].argv[0], cmds[1].argv[0], cmds[0].argv[4], loop, *batch)
	if err != nil {
		fatalf("%v", err)
	}
	out.table(batchTable(names, rates))
	out.para(fmt.Sprintf("%d calls per phase through one process reading JSON Lines, the two alternated %d times each; median calls/s. Targets: jailpy --batch >= 50,000 calls/s and >= 0.8 x the bare loop.", *batch, phases))

	out.heading("Notes")
	out.list(notes)
}

// loadavg is the 1, 5 and 15 minute load averages: on a shared machine,
// how much else was running.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func fatalf(format string, a ...any) {
	removeScratch()
	fmt.Fprintf(os.Stderr, "benchcmp: "+format+"\n", a...)
	os.Exit(1)
}
