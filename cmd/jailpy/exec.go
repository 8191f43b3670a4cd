package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/internal/fault"
	"github.com/jailpy/jailpy/jail"
	"github.com/jailpy/jailpy/rootfs"
)

// Input bounds, so jailpy's own memory stays small whatever it is fed.
const (
	maxSourceBytes = 4 << 20
	maxArgsBytes   = 32 << 20
)

// minMemory leaves room for the init and the interpreter's start-up,
// which are charged to the run's cgroup before any user code runs.
const minMemory = 16 << 20

// maxCap bounds the caps on what jailpy keeps of a run, so jailpy's own
// memory stays small (under 50 MiB even for a verdict of escaped control
// bytes at both caps; measured in integration's TestFloodsKeepJailpySmall).
var maxCap = map[string]int64{"output": 1 << 20, "result": 4 << 20}

// minPids leaves room for the Go init's threads, which count against the
// run's pids limit until it execs Python (seen needing 5 here).
const minPids = 6

var funcName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func execCommand() *cli.Command {
	d := jail.DefaultLimits()
	return &cli.Command{
		Name:      "exec",
		Usage:     "call one function of FILE in a jail and print the verdict as JSON",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "func", Value: "main", Usage: "function to call"},
			&cli.StringFlag{Name: "filename", Usage: "the file name the code sees in tracebacks and __file__ (default: FILE's base name; for a source on a pipe, /dev/fd/N)"},
			&cli.StringFlag{Name: "args", Value: "[]", Usage: "JSON array of positional arguments; - reads it from stdin"},
			&cli.StringFlag{Name: "kwargs", Value: "{}", Usage: "JSON object of keyword arguments"},
			&cli.StringFlag{Name: "timeout", Value: d.Wall.String(), Usage: "wall-clock limit (Go duration)"},
			&cli.StringFlag{Name: "cpu-time", Usage: "CPU time limit (default: the timeout)"},
			&cli.StringFlag{Name: "memory", Value: "256MiB", Usage: "memory limit (bytes, KiB, MiB, GiB)"},
			&cli.StringFlag{Name: "pids", Value: strconv.FormatInt(*d.Pids, 10), Usage: "processes + threads"},
			&cli.StringFlag{Name: "output", Value: "64KiB", Usage: "cap for each of stdout and stderr"},
			&cli.StringFlag{Name: "result", Value: "1MiB", Usage: "cap for the returned value's JSON"},
			&cli.StringFlag{Name: "tmp", Value: "16MiB", Usage: "size of the writable /tmp"},
			&cli.StringFlag{Name: "python", Usage: "interpreter (default: python3 on PATH, resolved to the real binary)"},
			&cli.StringFlag{Name: "cgroup", Value: "auto", Usage: "cgroup mode: auto, v2, v1 or none"},
			&cli.StringFlag{Name: "cgroup-parent", Usage: "cgroup under which run cgroups are made (a delegated one, for non-root v2)"},
			&cli.IntFlag{Name: "uid", Value: jail.DefaultHostID, Usage: "host uid the jail runs as when jailpy runs as root"},
			&cli.IntFlag{Name: "gid", Value: jail.DefaultHostID, Usage: "host gid the jail runs as when jailpy runs as root"},
			&cli.BoolFlag{Name: "timings", Usage: "add timings_ms, where the run's time went stage by stage, to the verdict"},
			&cli.StringFlag{Name: "policy", Value: "none", Usage: "check the source before it runs: none, safe, math, or a policy FILE.toml"},
			&cli.BoolFlag{Name: "batch", Usage: "many calls: stdin is JSON Lines, one argument array per line; stdout one verdict per line"},
			&cli.StringFlag{Name: "batch-timeout", Usage: "with --batch: wall-clock limit of the whole batch (Go duration)"},
			&cli.BoolFlag{Name: "fail-fast", Usage: "with --batch: stop after the first call that is not ok"},
			&cli.StringFlag{Name: "audit-log", Usage: "append one JSON line per run (per call in a batch) to PATH; - for stderr"},
			&cli.BoolFlag{Name: "audit-source", Usage: "with --audit-log: log the source and the arguments too"},
			&cli.StringFlag{Name: "audit-errors", Value: "fail", Usage: "with --audit-log: fail (a run that cannot be logged ends internal) or warn"},
		},
		Action:       execAction,
		OnUsageError: onUsageError,
	}
}

func execAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("exec needs exactly one FILE (got %d arguments)", c.NArg())
	}
	file := c.Args().First()
	src, err := readCapped(file, maxSourceBytes)
	if err != nil {
		return err
	}
	if c.Bool("batch") {
		return batchAction(c, file, src)
	}
	for _, name := range []string{"batch-timeout", "fail-fast"} {
		if c.IsSet(name) {
			return usagef("--%s needs --batch", name)
		}
	}
	spec, err := execSpec(c, file, src, c.App.Reader)
	if err != nil {
		return err
	}
	spec.Timings = c.Bool("timings")
	audit, res, err := startAudit(c, spec)
	if err != nil {
		return err
	}
	defer audit.close()
	if res == nil {
		ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		defer stop()
		res = jail.Run(ctx, spec)
		if audit != nil {
			res = audit.settle(res, audit.record(res, spec.Args, spec.Kwargs), c.App.ErrWriter)
		}
	}
	fault.Point("verdict")
	if err := writeVerdict(c.App.Writer, res); err != nil {
		// The run happened; only its report was lost (the caller closed
		// stdout): jailpy's failure, not a usage error.
		fmt.Fprintf(c.App.ErrWriter, "jailpy: write the verdict: %v\n", err)
		return exitCode(jail.ExitInternal)
	}
	return exitCode(res.Status.ExitCode())
}

// startAudit opens --audit-log for a run. A log that cannot be opened is,
// under --audit-errors fail, the run's internal verdict (res), and the run
// does not start; under warn, a warning, and the run goes on unlogged.
// A bad flag is a usage error.
func startAudit(c *cli.Context, spec *jail.Spec) (*auditLog, *jail.Result, error) {
	a, err := openAudit(c.String("audit-log"), c.String("audit-errors"), c.Bool("audit-source"), spec)
	if err == nil {
		return a, nil, nil
	}
	if _, usage := err.(usageError); usage {
		return nil, nil, err
	}
	if c.String("audit-errors") == "warn" {
		fmt.Fprintf(c.App.ErrWriter, "jailpy: warning: %v; the run is not logged\n", err)
		return nil, nil, nil
	}
	r := &jail.Result{Version: jail.Version, Status: jail.StatusInternal,
		Error:  &jail.ErrorInfo{Message: err.Error() + " (--audit-errors fail: nothing ran)"},
		Limits: spec.Limits.Unstarted("no jail was made: the run did not start")}
	return nil, r, nil
}

// writeVerdict prints res as one line of JSON, as jailpy exec does.
func writeVerdict(w io.Writer, res *jail.Result) error { return res.Encode(w) }

// flagReader is what execSpec reads the exec flags from: the command
// line, or jailpy selftest's per-attack settings.
type flagReader interface {
	String(name string) string
	Int(name string) int
	IsSet(name string) bool
}

// execSpec turns the exec flags and one source file into a jail.Spec;
// every problem is a usage error. stdin is read for "--args -".
func execSpec(c flagReader, file string, src []byte, stdin io.Reader) (*jail.Spec, error) {
	spec := &jail.Spec{
		Source: src, Filename: file, Func: c.String("func"),
		UID: c.Int("uid"), GID: c.Int("gid"),
		Cgroup: cgroup.Options{Want: c.String("cgroup"), Parent: c.String("cgroup-parent")},
	}
	if os.Geteuid() != 0 && (c.IsSet("uid") || c.IsSet("gid")) {
		return nil, usagef("--uid and --gid need root: an ordinary user's jail runs as that user")
	}
	if spec.UID <= 0 || spec.GID <= 0 {
		return nil, usagef("--uid and --gid must be unprivileged host ids, not 0 (the jail would own root's files)")
	}
	if c.IsSet("filename") {
		name := c.String("filename")
		if name == "" || len(name) > 255 || strings.ContainsAny(name, "/\x00\n\r") || name == "." || name == ".." {
			return nil, usagef("--filename %q: a base name, without / or control characters, of at most 255 bytes", name)
		}
		spec.Filename = name
	}
	if !funcName.MatchString(spec.Func) {
		return nil, usagef("--func %q is not a Python identifier", spec.Func)
	}
	switch spec.Cgroup.Want {
	case "auto", "v2", "v1", "none":
	default:
		return nil, usagef("--cgroup %q: use auto, v2, v1 or none", spec.Cgroup.Want)
	}
	policy, defaults, err := loadPolicy(c.String("policy"))
	if err != nil {
		return nil, err
	}
	spec.Policy = policy
	c = withDefaults{c, defaults} // a policy file's limits, where no flag says otherwise
	if spec.Args, err = jsonFlag(c, stdin, "args", '['); err != nil {
		return nil, err
	}
	if spec.Kwargs, err = jsonFlag(c, stdin, "kwargs", '{'); err != nil {
		return nil, err
	}
	if spec.Limits, err = limitsFromFlags(c); err != nil {
		return nil, err
	}
	if spec.Python, err = rootfs.Resolve(c.String("python")); err != nil {
		return nil, usagef("--python: %v", err)
	}
	return spec, nil
}

func limitsFromFlags(c flagReader) (jail.Limits, error) {
	l := jail.DefaultLimits()
	wall, err := parseDuration(c.String("timeout"))
	if err != nil {
		return l, usagef("--timeout: %v", err)
	}
	cpu := wall
	if s := c.String("cpu-time"); s != "" {
		if cpu, err = parseDuration(s); err != nil {
			return l, usagef("--cpu-time: %v", err)
		}
	}
	l.Wall, l.CPU = &wall, &cpu
	for _, f := range []struct {
		name string
		dst  **int64
	}{{"memory", &l.Memory}, {"output", &l.Output}, {"result", &l.Result}, {"tmp", &l.Tmp}} {
		n, err := parseSize(c.String(f.name))
		if err != nil {
			return l, usagef("--%s: %v", f.name, err)
		}
		if max := maxCap[f.name]; max > 0 && n > max {
			return l, usagef("--%s %s: at most %dMiB (jailpy holds it in memory to put it in the verdict)", f.name, c.String(f.name), max>>20)
		}
		if f.name == "memory" && n < minMemory {
			return l, usagef("--memory %s: need at least 16MiB (the jail's init and Python's start-up use about 8 MiB)", c.String(f.name))
		}
		*f.dst = &n
	}
	pids, err := strconv.ParseInt(c.String("pids"), 10, 64)
	if err != nil || pids < minPids {
		return l, usagef("--pids %q: need a whole number of at least %d (the jail's init uses up to 5 threads before Python starts)", c.String("pids"), minPids)
	}
	l.Pids = &pids
	return l, nil
}

// jsonFlag reads --args or --kwargs ("-" = stdin) and checks that it is
// one strict JSON value of the right kind.
func jsonFlag(c flagReader, stdin io.Reader, name string, open byte) (json.RawMessage, error) {
	raw := []byte(c.String(name))
	if string(raw) == "-" {
		var err error
		if raw, err = readAllCapped(stdin, maxArgsBytes, "stdin"); err != nil {
			return nil, err
		}
	}
	return checkJSON(raw, name, open)
}

// checkJSON accepts raw as the value of --name when it is one strict JSON
// value whose first byte is open ('[' or '{'); it returns it trimmed.
func checkJSON(raw []byte, name string, open byte) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(raw)
	// json.Valid lets invalid UTF-8 through in strings; Python's json in
	// the jail would refuse it and the caller's mistake would read as the
	// user code's error.
	if !utf8.Valid(trimmed) {
		return nil, usagef("--%s is not valid UTF-8", name)
	}
	if !json.Valid(trimmed) {
		return nil, usagef("--%s is not valid JSON", name)
	}
	if len(trimmed) == 0 || trimmed[0] != open {
		kind := map[byte]string{'[': "array", '{': "object"}[open]
		return nil, usagef("--%s must be a JSON %s", name, kind)
	}
	return trimmed, nil
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	return readAllCapped(f, limit, path)
}

func readAllCapped(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, usagef("read %s: %v", what, err)
	}
	if int64(len(b)) > limit {
		return nil, usagef("%s is larger than %d bytes", what, limit)
	}
	return b, nil
}
