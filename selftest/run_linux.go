package selftest

import (
	"context"
	"path/filepath"
	"time"

	"github.com/jailpy/jailpy/jail"
)

// Run runs attacks one at a time (so whatever reaches a canary is known to
// be the running attack's doing), checks the host after each, and passes
// each result to each as it is known.
func Run(ctx context.Context, c *Canaries, attacks []*Attack, exec Exec, each func(Result)) Summary {
	var sum Summary
	start := time.Now()
	for _, a := range attacks {
		if ctx.Err() != nil {
			break
		}
		r := runOne(ctx, c, a, exec)
		sum.Attacks++
		switch r.Result {
		case Held:
			sum.Held++
		case Escaped:
			sum.Escaped++
		default:
			sum.Wrong++
		}
		each(r)
	}
	sum.Seconds = time.Since(start).Seconds()
	return sum
}

func runOne(ctx context.Context, c *Canaries, a *Attack, exec Exec) Result {
	r := Result{Attack: a.Name, Category: a.Category, Tries: a.Tries, Expect: a.ExpectString()}
	marker := filepath.Join(c.Dir, "marker-"+a.Name)
	before := c.snapshot()
	var seen *jail.Started
	t0 := time.Now()
	line, err := exec(ctx, a, c.Args(marker), func(s jail.Started) { seen = &s })
	r.MS = float64(time.Since(t0).Microseconds()) / 1000
	if err != nil {
		r.Result, r.Verdict, r.Problems = Wrong, "-", []string{"not run: " + err.Error()}
		return r
	}
	if esc := c.escapes(before, marker, line, seen); len(esc) > 0 {
		r.Result, r.Problems = Escaped, esc
	}
	res, err := strictVerdict(line)
	if err != nil {
		r.Verdict = "-"
		r.Problems = append(r.Problems, err.Error())
		if r.Result == "" {
			r.Result = Wrong
		}
		return r
	}
	r.Verdict = Outcome{res.Status, Detail(res)}.String()
	if !a.Holds(res) {
		r.Problems = append(r.Problems, "expected "+r.Expect+", got "+r.Verdict+verdictHint(res))
		if r.Result == "" {
			r.Result = Wrong
		}
	}
	if r.Result == "" {
		r.Result = Held
	}
	return r
}

// verdictHint adds the part of an unexpected verdict that says why.
func verdictHint(res *jail.Result) string {
	if res.Error != nil && res.Error.Message != "" {
		msg := res.Error.Message
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		return ": " + msg
	}
	if res.Status == jail.StatusOK {
		v := string(res.Value)
		if len(v) > 160 {
			v = v[:160] + "…"
		}
		return ": value " + v
	}
	return ""
}
