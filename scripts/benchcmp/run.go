package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// A sample is what one run cost.
type sample struct {
	wall time.Duration
	// maxRSS is wait4's ru_maxrss in bytes: the largest RSS of the process
	// or any descendant it waited for (0 where the OS does not say).
	maxRSS int64
}

// runOnce makes the call once through c and checks its output.
func runOnce(c command) (sample, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Env = c.env
	cmd.Stdin = bytes.NewReader([]byte(argsJSON))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err == nil {
		err = checkOutput(stdout.Bytes())
	}
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\nstdout: %q\nstderr: %q", c.name, err, stdout.String(), stderr.String())
	}
	return sample{wall: wall, maxRSS: maxRSS(cmd.ProcessState)}, nil
}

// checkOutput wants the last JSON value on stdout to be an object with
// status "ok" and exactly the expected value; anything on stdout that is
// not JSON is an error.
func checkOutput(stdout []byte) error {
	type verdict struct {
		Status string   `json:"status"`
		Value  *float64 `json:"value"`
	}
	var last verdict
	dec := json.NewDecoder(bytes.NewReader(stdout))
	seen := false
	for {
		var v verdict
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("output is not JSON: %v", err)
		}
		last, seen = v, true
	}
	switch {
	case !seen:
		return errors.New("no output")
	case last.Status != "ok":
		return fmt.Errorf("status %q, want ok", last.Status)
	case last.Value == nil || *last.Value != wantValue:
		return fmt.Errorf("value is not %v", wantValue)
	}
	return nil
}
