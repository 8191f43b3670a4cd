package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// batchRate makes calls calls through one process of argv, reading JSON
// Lines of arguments on stdin, and returns calls/s. Every line of output
// must say ok and carry the expected value.
func batchRate(name string, argv []string, input []byte, calls int) (float64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(input)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n, bad := 0, ""
	for sc.Scan() {
		line := sc.Bytes()
		if bad == "" && (!bytes.Contains(line, []byte(`"status": "ok"`)) && !bytes.Contains(line, []byte(`"status":"ok"`)) ||
			!bytes.Contains(line, []byte(wantText))) {
			bad = string(line)
		}
		n++
	}
	err = cmd.Wait()
	elapsed := time.Since(start)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%s: %v: %s", name, err, stderr.String())
	case bad != "":
		return 0, fmt.Errorf("%s: a call did not return %s: %.300s", name, wantText, bad)
	case n != calls:
		return 0, fmt.Errorf("%s: %d results for %d calls", name, n, calls)
	}
	return float64(calls) / elapsed.Seconds(), nil
}

// batches compares jailpy exec --batch with an unjailed Python loop over
// the same JSON Lines, phases alternated; each command's rates, in order.
func batches(python, jailpy, user, loop string, calls int) ([]string, [][]float64, error) {
	var input bytes.Buffer
	for i := 0; i < calls; i++ {
		input.WriteString(argsJSON + "\n")
	}
	names := []string{"bare loop", "jailpy --batch"}
	argvs := [][]string{
		{python, "-I", "-S", loop, user, funcName},
		{jailpy, "exec", "--batch", "--python", python, "--func", funcName, user},
	}
	rates := make([][]float64, len(argvs))
	for p := 0; p < phases; p++ {
		for j, argv := range argvs {
			r, err := batchRate(names[j], argv, input.Bytes(), calls)
			if err != nil {
				return nil, nil, err
			}
			rates[j] = append(rates[j], r)
		}
	}
	return names, rates, nil
}

func batchTable(names []string, rates [][]float64) table {
	t := table{header: []string{"command", "calls/s (median)", "ratio to bare loop", "each phase"}}
	med := medians(rates)
	for j, name := range names {
		each := make([]string, len(rates[j]))
		for i, r := range rates[j] {
			each[i] = fmt.Sprintf("%.0f", r)
		}
		t.rows = append(t.rows, []string{name, fmt.Sprintf("%.0f", med[j]), fmt.Sprintf("%.2f", med[j]/med[0]), strings.Join(each, ", ")})
	}
	return t
}
