package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// concurrency measures the throughput of each command with workers
// concurrent callers making calls calls in all, the commands' phases
// alternated phases times; it returns each command's calls/s, one per
// phase in the order measured.
func concurrency(cmds []command, calls int) ([][]float64, error) {
	rates := make([][]float64, len(cmds))
	for p := 0; p < phases; p++ {
		for j, c := range cmds {
			r, err := throughput(c, calls)
			if err != nil {
				return nil, err
			}
			rates[j] = append(rates[j], r)
		}
	}
	return rates, nil
}

// throughput is calls divided by the wall time workers take to make them;
// the first failed call is the error (the rest still run).
func throughput(c command, calls int) (float64, error) {
	jobs := make(chan struct{}, calls)
	for range calls {
		jobs <- struct{}{}
	}
	close(jobs)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for range jobs {
				if _, err := runOnce(c); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if first != nil {
		return 0, first
	}
	return float64(calls) / elapsed.Seconds(), nil
}

func throughputTable(cmds []command, rates [][]float64) table {
	t := table{header: []string{"command", "calls/s (median)", "ratio to bare", "each phase"}}
	med := medians(rates)
	for j, c := range cmds {
		each := make([]string, len(rates[j]))
		for i, r := range rates[j] {
			each[i] = fmt.Sprintf("%.1f", r)
		}
		t.rows = append(t.rows, []string{c.name, fmt.Sprintf("%.1f", med[j]),
			fmt.Sprintf("%.2f", med[j]/med[0]), strings.Join(each, ", ")})
	}
	return t
}

// medians is the median of each command's rates.
func medians(rates [][]float64) []float64 {
	med := make([]float64, len(rates))
	for j, r := range rates {
		s := slices.Clone(r)
		slices.Sort(s)
		med[j] = s[len(s)/2]
	}
	return med
}
