package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/jail"
	"github.com/jailpy/jailpy/rootfs"
)

func rootfsCommand() *cli.Command {
	return &cli.Command{
		Name:  "rootfs",
		Usage: "the jail's filesystem",
		Subcommands: []*cli.Command{{
			Name:  "show",
			Usage: "print the mount plan for an interpreter: every host path the jail sees, read-only",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "python", Usage: "interpreter (default: python3 on PATH, resolved to the real binary)"},
				&cli.StringFlag{Name: "policy", Value: "none", Usage: "the plan of runs under this policy: none, safe, math or FILE.toml (only the modules it allows and what they import are mounted)"},
				&cli.BoolFlag{Name: "json", Usage: "print the plan as JSON"},
			},
			Action:       rootfsShowAction,
			OnUsageError: onUsageError,
		}},
		OnUsageError: onUsageError,
	}
}

func rootfsShowAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("rootfs show takes no arguments")
	}
	python, err := rootfs.Resolve(c.String("python"))
	if err != nil {
		return usagef("--python: %v", err)
	}
	policy, _, err := loadPolicy(c.String("policy"))
	if err != nil {
		return err
	}
	spec := &jail.Spec{Python: python, Policy: policy, UID: jail.DefaultHostID, GID: jail.DefaultHostID, Cgroup: cgroup.Options{Want: "auto"}}
	plan, err := jail.PlanFor(context.Background(), spec)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "jailpy: %v\n", err)
		return exitCode(1)
	}
	w := c.App.Writer
	if c.Bool("json") {
		return json.NewEncoder(w).Encode(plan)
	}
	fmt.Fprintf(w, "interpreter %s\n", plan.Python)
	for _, e := range plan.Entries {
		switch {
		case e.Kind == rootfs.Symlink:
			fmt.Fprintf(w, "%-8s %s -> %s\n", e.Kind, e.Path, e.Target)
		case e.Source != e.Path:
			fmt.Fprintf(w, "%-8s %s (from %s)\n", e.Kind, e.Path, e.Source)
		default:
			fmt.Fprintf(w, "%-8s %s\n", e.Kind, e.Path)
		}
	}
	for _, v := range plan.Env {
		fmt.Fprintf(w, "env      %s\n", v)
	}
	if len(plan.Builtin) > 0 {
		fmt.Fprintf(w, "builtin  %s (compiled into the interpreter: no plan leaves them out)\n", strings.Join(plan.Builtin, ", "))
	}
	for _, m := range plan.Missing {
		fmt.Fprintf(w, "missing  %s\n", m)
	}
	fmt.Fprintf(w, "plus a tmpfs root, /dev/null, /dev/zero, /dev/urandom and a size-limited /tmp; nothing else of the host\n")
	return nil
}
