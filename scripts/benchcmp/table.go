package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A table is printed aligned for a terminal or as Markdown.
type table struct {
	header []string
	rows   [][]string
	// text is the number of leading columns that hold text (left-aligned);
	// the rest hold numbers. 0 means 1.
	text int
}

func (t table) isText(col int) bool { return col < max(t.text, 1) }

// A printer writes headings, tables, paragraphs and lists to stdout,
// as Markdown or as plain text.
type printer struct{ markdown bool }

func newPrinter(markdown bool) printer { return printer{markdown} }

func (p printer) heading(s string) {
	if p.markdown {
		fmt.Printf("### %s\n\n", s)
	} else {
		fmt.Printf("%s\n%s\n", s, strings.Repeat("-", len(s)))
	}
}

func (p printer) para(s string) { fmt.Printf("%s\n\n", s) }

func (p printer) list(items []string) {
	for _, s := range items {
		fmt.Printf("- %s\n", s)
	}
	fmt.Println()
}

func (p printer) table(t table) {
	if p.markdown {
		row := func(cells []string) { fmt.Printf("| %s |\n", strings.Join(cells, " | ")) }
		row(t.header)
		sep := make([]string, len(t.header))
		for i := range sep {
			sep[i] = "---:"
			if t.isText(i) {
				sep[i] = "---"
			}
		}
		row(sep)
		for _, r := range t.rows {
			row(r)
		}
		fmt.Println()
		return
	}
	width := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, cell := range r {
			width[i] = max(width[i], len(cell))
		}
	}
	for _, r := range append([][]string{t.header}, t.rows...) {
		var line []string
		for i, cell := range r {
			if t.isText(i) {
				line = append(line, fmt.Sprintf("%-*s", width[i], cell))
			} else {
				line = append(line, fmt.Sprintf("%*s", width[i], cell))
			}
		}
		fmt.Println(strings.TrimRight(strings.Join(line, "  "), " "))
	}
	fmt.Println()
}

// percentile is the nearest-rank p-th percentile of d.
func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
