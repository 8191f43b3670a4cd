package selftest

import (
	"fmt"
	"io"
)

// Table prints results as aligned rows under a header, one per call, so a
// long selftest shows progress.
type Table struct {
	w      io.Writer
	header bool
}

// NewTable writes rows to w.
func NewTable(w io.Writer) *Table { return &Table{w: w} }

const rowFormat = "%-34s %-10s %-32s %8s  %s\n"

// Row prints one result, and its problems indented below it.
func (t *Table) Row(r Result) {
	if !t.header {
		fmt.Fprintf(t.w, rowFormat, "ATTACK", "CATEGORY", "VERDICT", "TIME", "RESULT")
		t.header = true
	}
	fmt.Fprintf(t.w, rowFormat, r.Attack, r.Category, clip(r.Verdict, 32), fmt.Sprintf("%.0fms", r.MS), r.Result)
	for _, p := range r.Problems {
		fmt.Fprintf(t.w, "    %s\n", p)
	}
}

// Summary prints the last line, the one CI and people read.
func (t *Table) Summary(s Summary, about string) {
	fmt.Fprintf(t.w, "%d attacks: %d held, %d escaped, %d wrong verdicts (%.1fs; %s)\n",
		s.Attacks, s.Held, s.Escaped, s.Wrong, s.Seconds, about)
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Filter keeps the attacks whose name or category match.
func Filter(attacks []*Attack, match func(string) bool) []*Attack {
	var out []*Attack
	for _, a := range attacks {
		if match(a.Name) || match(a.Category) {
			out = append(out, a)
		}
	}
	return out
}
