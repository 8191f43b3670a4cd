package main

import (
	"fmt"
	"time"
)

// coldStart runs every command n times (after the warm-up rounds),
// round-robin; each round starts one command later than the one before,
// so no command always runs right after the same other one. It returns
// the counted samples of each command, in the order of cmds.
func coldStart(cmds []command, n int) ([][]sample, error) {
	samples := make([][]sample, len(cmds))
	for round := 0; round < warmup+n; round++ {
		for k := range cmds {
			j := (round + k) % len(cmds)
			s, err := runOnce(cmds[j])
			if err != nil {
				return nil, err
			}
			if round >= warmup {
				samples[j] = append(samples[j], s)
			}
		}
	}
	return samples, nil
}

func latencyTable(cmds []command, samples [][]sample) table {
	t := table{header: []string{"command", "median", "p10", "p90", "ratio to bare"}}
	base := percentile(walls(samples[0]), 50)
	for j, c := range cmds {
		w := walls(samples[j])
		med := percentile(w, 50)
		t.rows = append(t.rows, []string{c.name, ms(med), ms(percentile(w, 10)), ms(percentile(w, 90)),
			fmt.Sprintf("%.2f", float64(med)/float64(base))})
	}
	return t
}

func memoryTable(cmds []command, samples [][]sample) table {
	t := table{header: []string{"command", "what it covers", "max ru_maxrss (wait4)"}, text: 2}
	covers := map[string]string{
		"bare":   "the bare Python alone, for scale",
		"jailpy": "max RSS of jailpy or its jail (wait4): an upper bound on jailpy's own",
	}
	for j, c := range cmds {
		var most int64
		for _, s := range samples[j] {
			most = max(most, s.maxRSS)
		}
		t.rows = append(t.rows, []string{c.name, covers[c.name], mib(most)})
	}
	return t
}

func walls(samples []sample) []time.Duration {
	w := make([]time.Duration, len(samples))
	for i, s := range samples {
		w[i] = s.wall
	}
	return w
}
