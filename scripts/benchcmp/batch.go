package main

import (
	"bytes"
	"fmt"
	"io"
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
	// Counted a chunk at a time: the driver shares the machine with what
	// it measures, and jailpy's verdicts are eight times the loop's lines.
	n, oks, values, err := countLines(out)
	if err != nil {
		return 0, fmt.Errorf("%s: read its output: %v", name, err)
	}
	bad := ""
	if oks != n || values != n {
		bad = fmt.Sprintf("%d lines, %d say ok, %d carry the value", n, oks, values)
	}
	err = cmd.Wait()
	elapsed := time.Since(start)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%s: %v: %s", name, err, stderr.String())
	case bad != "":
		return 0, fmt.Errorf("%s: not every call returned %s: %s", name, wantText, bad)
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

// countLines counts the complete lines read from r, and the lines that
// say status ok and carry the expected value (jailpy's compact JSON or
// json.dumps's spaced one).
func countLines(r io.Reader) (lines, oks, values int, err error) {
	buf := make([]byte, 0, 1<<20)
	chunk := make([]byte, 256<<10)
	for {
		k, rerr := r.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if end := bytes.LastIndexByte(buf, '\n'); end >= 0 {
			whole := buf[:end+1]
			lines += bytes.Count(whole, []byte("\n"))
			oks += bytes.Count(whole, []byte(`"status":"ok"`)) + bytes.Count(whole, []byte(`"status": "ok"`))
			values += bytes.Count(whole, []byte(`"value":`+wantText)) + bytes.Count(whole, []byte(`"value": `+wantText))
			buf = append(buf[:0], buf[end+1:]...)
		}
		if rerr == io.EOF {
			return lines, oks, values, nil
		}
		if rerr != nil {
			return lines, oks, values, rerr
		}
	}
}
