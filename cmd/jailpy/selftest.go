package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/jail"
	"github.com/jailpy/jailpy/selftest"
)

func selftestCommand() *cli.Command {
	return &cli.Command{
		Name:  "selftest",
		Usage: "run the built-in attack corpus against this host's jail and check that nothing escapes",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "only", Usage: "run only the attacks whose name or category matches this regular expression"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON document instead of the table"},
			&cli.StringFlag{Name: "python", Usage: "interpreter (default: python3 on PATH, resolved to the real binary)"},
			&cli.StringFlag{Name: "cgroup", Value: "auto", Usage: "cgroup mode: auto, v2, v1 or none"},
			&cli.StringFlag{Name: "cgroup-parent", Usage: "cgroup under which run cgroups are made"},
		},
		Action:       selftestAction,
		OnUsageError: onUsageError,
	}
}

// selftestReport is the --json document.
type selftestReport struct {
	Attacks []selftest.Result `json:"attacks"`
	Summary selftest.Summary  `json:"summary"`
	Python  string            `json:"python"`
	Cgroup  string            `json:"cgroup"`
	UID     int               `json:"uid"`
}

func selftestAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("selftest takes no arguments (got %d)", c.NArg())
	}
	attacks, err := selftest.Load()
	if err != nil {
		return fmt.Errorf("the built-in corpus: %v", err) // a broken build: internal
	}
	if only := c.String("only"); only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			return usagef("--only: %v", err)
		}
		if attacks = selftest.Filter(attacks, re.MatchString); len(attacks) == 0 {
			return usagef("--only %q matches no attack", only)
		}
	}
	// Every run uses exec's own defaults, overridden only by what the
	// selftest's flags and each attack's header set.
	base := map[string]string{"python": c.String("python"), "cgroup": c.String("cgroup"), "cgroup-parent": c.String("cgroup-parent")}
	probe, err := execSpec(presetFlags(base), "probe.py", nil, nil)
	if err != nil {
		return err
	}
	sentinelUID := -1
	if os.Geteuid() == 0 {
		sentinelUID = jail.DefaultHostID
	}
	canaries, err := selftest.Plant(sentinelUID)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "jailpy: selftest: plant the canaries: %v\n", err)
		return exitCode(jail.ExitInternal)
	}
	defer canaries.Close()

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	modes := map[string]bool{} // the cgroup modes the runs got
	exec := func(ctx context.Context, a *selftest.Attack, args []byte, observe func(jail.Started)) ([]byte, error) {
		flags := presetFlags{"func": "attack", "args": string(args)}
		for k, v := range base {
			flags[k] = v
		}
		for k, v := range a.Limits {
			flags[k] = v
		}
		spec, err := execSpec(flags, a.Name+".py", a.Source, nil)
		if err != nil {
			return nil, err
		}
		spec.Observe = observe
		res := jail.Run(ctx, spec)
		modes[res.Limits.Cgroup] = true
		var line bytes.Buffer
		err = writeVerdict(&line, res)
		return line.Bytes(), err
	}
	table := selftest.NewTable(c.App.Writer)
	var results []selftest.Result
	sum := selftest.Run(ctx, canaries, attacks, exec, func(r selftest.Result) {
		results = append(results, r)
		if !c.Bool("json") {
			table.Row(r)
		}
	})
	cgroups := keys(modes)
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(selftestReport{results, sum, probe.Python, cgroups, os.Geteuid()}); err != nil {
			return exitCode(jail.ExitInternal)
		}
	} else {
		table.Summary(sum, fmt.Sprintf("uid %d, cgroup %s, %s", os.Geteuid(), cgroups, probe.Python))
	}
	if ctx.Err() != nil {
		fmt.Fprintln(c.App.ErrWriter, "jailpy: selftest: interrupted")
		return exitCode(jail.ExitInternal)
	}
	if !sum.OK() {
		return exitCode(1)
	}
	return nil
}

func keys(m map[string]bool) string {
	s := ""
	for k := range m {
		if s != "" {
			s += "+"
		}
		s += k
	}
	return s
}

// presetFlags gives execSpec exec's flag values without a command line:
// the ones set here, else the exec command's defaults.
type presetFlags map[string]string

func (p presetFlags) String(name string) string {
	if v, ok := p[name]; ok {
		return v
	}
	for _, f := range execCommand().Flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == name {
			return sf.Value
		}
	}
	return ""
}

func (p presetFlags) Int(name string) int {
	if v, ok := p[name]; ok {
		n, _ := strconv.Atoi(v)
		return n
	}
	for _, f := range execCommand().Flags {
		if inf, ok := f.(*cli.IntFlag); ok && inf.Name == name {
			return inf.Value
		}
	}
	return 0
}

func (p presetFlags) IsSet(name string) bool { _, ok := p[name]; return ok }
