package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/jail"
)

// batchAction is `jailpy exec --batch`: every line of stdin is one call's
// JSON array of arguments, every line of stdout one call's verdict, in
// order. Both are streamed: jailpy holds a bounded window of calls, not
// the batch.
func batchAction(c *cli.Context, file string, src []byte) error {
	if c.IsSet("args") {
		return usagef("--args and --batch: in a batch each line of stdin is one call's arguments")
	}
	spec, err := execSpec(c, file, src, nil)
	if err != nil {
		return err
	}
	b := jail.Batch{FailFast: c.Bool("fail-fast")}
	if s := c.String("batch-timeout"); s != "" {
		d, err := parseDuration(s)
		if err != nil {
			return usagef("--batch-timeout: %v", err)
		}
		b.Timeout = &d
	}
	audit, failed, err := startAudit(c, spec)
	if err != nil {
		return err
	}
	defer audit.close()
	if failed != nil { // the log cannot be written, and it must be
		fmt.Fprintf(c.App.ErrWriter, "jailpy: %s\n", failed.Error.Message)
		return exitCode(jail.ExitInternal)
	}
	lines := newLineReader(c.App.Reader)
	b.Next = lines.next
	out := bufio.NewWriterSize(c.App.Writer, 64<<10)
	b.Emit = func(res *jail.Result, args json.RawMessage) error {
		if audit != nil {
			*res = *audit.settle(res, audit.record(res, args, spec.Kwargs), c.App.ErrWriter)
		}
		return res.Encode(out)
	}
	b.Flush = out.Flush

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	sum := jail.RunBatch(ctx, spec, b)
	if err := out.Flush(); err != nil && sum.Err == nil {
		sum.Err = err
	}
	var usage usageError
	switch {
	case errors.As(sum.Err, &usage):
		return usage // after the verdicts of the lines before it
	case sum.Err != nil:
		fmt.Fprintf(c.App.ErrWriter, "jailpy: write the verdicts: %v\n", sum.Err)
		return exitCode(jail.ExitInternal)
	case sum.Stopped != "":
		fmt.Fprintf(c.App.ErrWriter, "jailpy: batch stopped with %d verdicts given: %s\n", sum.Calls, sum.Stopped)
	case sum.Incident != "":
		fmt.Fprintf(c.App.ErrWriter, "jailpy: after its last call was answered, code it left running ended the jail: %s\n", sum.Incident)
	}
	return exitCode(sum.ExitCode())
}

// lineReader reads a batch's calls from JSON Lines, one bounded line at a
// time, each checked as --args would be.
type lineReader struct {
	r *bufio.Reader
	n int // lines read
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

func (l *lineReader) next() (json.RawMessage, error) {
	var line []byte
	for {
		chunk, err := l.r.ReadSlice('\n')
		if len(line)+len(chunk) > maxArgsBytes+1 {
			return nil, usagef("--batch: line %d is longer than %d bytes", l.n+1, maxArgsBytes)
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, usagef("--batch: read stdin: %v", err)
		}
		break
	}
	l.n++
	line = bytes.TrimRight(line, "\r\n")
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, usagef("--batch: line %d is empty; each line is one call's JSON array of arguments", l.n)
	}
	return checkJSON(line, fmt.Sprintf("batch line %d", l.n), '[')
}
