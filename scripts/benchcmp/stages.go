package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
)

// stageNames are jailpy's --timings stages, in the order they happen.
var stageNames = []string{"plan", "seccomp", "cgroup", "clone", "handoff", "mounts", "confine", "exec", "python", "wrapper", "teardown", "total"}

// stages runs jailpy with --timings n times and returns each stage's
// median, in milliseconds.
func stages(c command, n int) ([]float64, error) {
	per := make([][]float64, len(stageNames))
	for i := 0; i < n; i++ {
		argv := append(slices.Clone(c.argv[:2]), append([]string{"--timings"}, c.argv[2:]...)...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader([]byte(argsJSON))
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("jailpy --timings: %v: %s", err, out)
		}
		var v struct {
			Timings map[string]float64 `json:"timings_ms"`
		}
		if err := json.Unmarshal(out, &v); err != nil || v.Timings == nil {
			return nil, fmt.Errorf("jailpy --timings: no timings_ms in %s", out)
		}
		for j, name := range stageNames {
			per[j] = append(per[j], v.Timings[name])
		}
	}
	med := make([]float64, len(per))
	for j, xs := range per {
		slices.Sort(xs)
		med[j] = xs[len(xs)/2]
	}
	return med, nil
}

func stageTable(med []float64) table {
	t := table{header: []string{"stage", "median ms", "share of total"}}
	total := med[len(med)-1]
	for j, name := range stageNames {
		t.rows = append(t.rows, []string{name, fmt.Sprintf("%.2f", med[j]), fmt.Sprintf("%.0f%%", 100*med[j]/total)})
	}
	return t
}
