package integration

import (
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// TestTimingsAddUp: --timings adds timings_ms, whose stages are all
// measured for a normal run and add up to its total; without the flag
// there is none.
func TestTimingsAddUp(t *testing.T) {
	r := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]", flags: []string{"--timings"}})
	expect(t, r, jail.StatusOK)
	tm := r.Timings
	if tm == nil {
		t.Fatalf("no timings_ms: %s", r)
	}
	stages := map[string]float64{"plan": tm.Plan, "seccomp": tm.Seccomp, "cgroup": tm.Cgroup, "clone": tm.Clone,
		"handoff": tm.Handoff, "mounts": tm.Mounts, "confine": tm.Confine, "exec": tm.Exec,
		"python": tm.Python, "wrapper": tm.Wrapper, "teardown": tm.Teardown}
	sum := 0.0
	for name, v := range stages {
		// wrapper may be 0: the marker and the frame can arrive in one read.
		if v <= 0 && name != "wrapper" {
			t.Errorf("stage %s not measured: %s", name, r)
		}
		sum += v
	}
	if d := sum - tm.Total; d < -0.05 || d > 0.05 || tm.Total < tm.Python {
		t.Errorf("stages add up to %.3f ms, total %.3f ms: %s", sum, tm.Total, r)
	}
	if plain := jailpy(t, run{src: scoreSrc, fn: "score", args: "[[1, 2]]"}); plain.Timings != nil {
		t.Errorf("timings_ms without --timings: %s", plain)
	}
}

// TestWrapperImportsNoJSON: the wrapper parses and encodes with the C
// accelerator alone; json and re are start-up the user did not ask for.
func TestWrapperImportsNoJSON(t *testing.T) {
	src := "import sys\ndef main(x):\n    return [x, sorted(m for m in ('json', 're', 'runpy') if m in sys.modules)]\n"
	r := jailpy(t, run{src: src, args: `[{"a": [1.5, "é", null, true]}]`})
	var v []any
	value(t, r, &v)
	if len(v) != 2 || len(v[1].([]any)) != 0 {
		t.Fatalf("want the argument back and no json/re/runpy imported: %s", r)
	}
	if m, ok := v[0].(map[string]any); !ok || len(m["a"].([]any)) != 4 || m["a"].([]any)[1] != "é" {
		t.Fatalf("argument changed on the way: %s", r)
	}
}
