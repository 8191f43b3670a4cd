// Command startbench compares the cold start of `jailpy exec` with a bare,
// unjailed runner on the same interpreter doing the same call. The two are
// run alternately in one process so machine noise hits both alike; it
// prints medians and the ratio.
//
//	go run ./scripts/startbench -n 100
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"time"
)

func main() {
	n := flag.Int("n", 50, "runs of each command")
	python := flag.String("python", "/usr/bin/python3.11", "interpreter")
	jailpy := flag.String("jailpy", "./jailpy", "jailpy binary")
	file := flag.String("file", "examples/score.py", "user file")
	fn := flag.String("func", "score", "function")
	args := flag.String("args", "[[1, 2, 3, 4]]", "JSON arguments")
	flag.Parse()

	cmds := []struct {
		name string
		argv []string
	}{
		{"bare python3 -I -S runner", []string{*python, "-I", "-S", "scripts/bare_runner.py", *file, *fn}},
		{"jailpy exec", []string{*jailpy, "exec", "--python", *python, "--func", *fn, "--args", "-", *file}},
	}
	times := make([][]time.Duration, len(cmds))
	for i := 0; i < *n+2; i++ {
		for j, c := range cmds {
			d, err := timeOne(c.argv, *args)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", c.name, err)
				os.Exit(1)
			}
			if i >= 2 { // two warm-up rounds: page cache, plan cache
				times[j] = append(times[j], d)
			}
		}
	}
	base := median(times[0])
	fmt.Printf("%-28s %10s %10s %10s %7s\n", "command", "median", "p10", "p90", "ratio")
	for j, c := range cmds {
		m := median(times[j])
		fmt.Printf("%-28s %10s %10s %10s %7.2f\n", c.name, ms(m), ms(pct(times[j], 10)), ms(pct(times[j], 90)), float64(m)/float64(base))
	}
	fmt.Printf("(%d runs each, alternating)\n", *n)
}

func timeOne(argv []string, stdin string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewBufferString(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil || !bytes.Contains(out.Bytes(), []byte(`"status": "ok"`)) && !bytes.Contains(out.Bytes(), []byte(`"status":"ok"`)) {
		return 0, fmt.Errorf("%v: %s", err, out.String())
	}
	return d, nil
}

func median(d []time.Duration) time.Duration { return pct(d, 50) }

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
