// Command jailpy runs one untrusted Python function in a Linux jail and
// prints one JSON verdict. See the README for the command line.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/internal/fault"
	"github.com/jailpy/jailpy/jail"
	"github.com/jailpy/jailpy/selftest"
)

func main() {
	// The re-executed binary inside a new jail: dispatched before any
	// CLI parsing, so no flag can change what the init does.
	if jail.IsInit() {
		jail.Init() // never returns
	}
	if selftest.IsSentinel() {
		selftest.Sentinel() // never returns
	}
	// A caller that closes jailpy's stdout early (| head -1) must get an
	// error and a clean-up, not a SIGPIPE that kills jailpy before it
	// removes the run's cgroup.
	signal.Ignore(syscall.SIGPIPE)
	// jailpy's live data is a few MiB even when it holds a run's capped
	// output, but encoding the verdict makes short-lived copies of it; a
	// soft limit makes the GC collect them before the heap doubles.
	debug.SetMemoryLimit(softMemoryLimit)
	code := run(os.Args, os.Stdin, os.Stdout, os.Stderr)
	fault.Point("exit") // the tests read jailpy's own peak RSS here
	os.Exit(code)
}

// softMemoryLimit is the Go heap size above which jailpy's GC works
// harder; see main.
const softMemoryLimit = 16 << 20

// usageError is a bad command line: one line on stderr, exit 2, no verdict.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// exitCode carries a verdict's exit code out of a command's action.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// onUsageError makes a flag error one line and exit 2, never a help page.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	return usageError{err.Error()}
}

// run is main without os.Exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := &cli.App{
		Name:      "jailpy",
		Usage:     "run one untrusted Python function in a Linux jail",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands:  []*cli.Command{execCommand(), selftestCommand(), doctorCommand(), rootfsCommand()},
		// One line and exit 2 for every usage error, never a help page.
		OnUsageError:    onUsageError,
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
	}
	err := app.Run(args)
	switch e := err.(type) {
	case nil:
		return 0
	case exitCode:
		return int(e)
	default:
		fmt.Fprintf(stderr, "jailpy: %v\n", err)
		return jail.ExitUsage
	}
}
