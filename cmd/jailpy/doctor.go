package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/jail"
	"github.com/jailpy/jailpy/rootfs"
)

// A check is one line of jailpy doctor: what was looked at, ok / warn /
// fail, what was seen, and for anything not ok the fix.
type check struct {
	Name   string `json:"check"`
	Result string `json:"result"` // "ok", "warn" or "fail"
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// host is what the checks read. procSys is /proc/sys, a parameter so the
// tests can fake a host without a feature the machine has.
type host struct {
	procSys string
	euid    int
}

func doctorCommand() *cli.Command {
	return &cli.Command{
		Name:  "doctor",
		Usage: "check that this host can run jailpy's jail, and say how to fix what is missing",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the checks as one JSON document"},
			&cli.StringFlag{Name: "python", Usage: "interpreter (default: python3 on PATH, resolved to the real binary)"},
			&cli.StringFlag{Name: "cgroup", Value: "auto", Usage: "cgroup mode the trial run uses: auto, v2, v1 or none"},
			&cli.StringFlag{Name: "cgroup-parent", Usage: "cgroup under which run cgroups are made"},
		},
		Action:       doctorAction,
		OnUsageError: onUsageError,
	}
}

func doctorAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("doctor takes no arguments")
	}
	h := host{procSys: "/proc/sys", euid: os.Geteuid()}
	opts := cgroup.Options{Want: c.String("cgroup"), Parent: c.String("cgroup-parent")}
	switch opts.Want {
	case "auto", "v2", "v1", "none":
	default:
		return usagef("--cgroup %q: use auto, v2, v1 or none", opts.Want)
	}
	checks := []check{h.kernelCheck(), h.userNSCheck(), h.seccompCheck(), cgroupCheck(opts, h.euid)}
	python, pyCheck := interpreterCheck(c.String("python"))
	checks = append(checks, pyCheck)
	checks = append(checks, cacheCheck(rootfs.CacheDir()))
	if python != "" {
		checks = append(checks, trialCheck(python, opts, nil), trialCheck(python, opts, jail.Policies["safe"]))
	}
	failed := printChecks(c.App.Writer, checks, c.Bool("json"))
	if failed {
		return exitCode(1)
	}
	return nil
}

// printChecks writes the checks as a table or JSON; it reports whether
// any failed.
func printChecks(w io.Writer, checks []check, asJSON bool) (failed bool) {
	for _, ch := range checks {
		failed = failed || ch.Result == "fail"
	}
	if asJSON {
		json.NewEncoder(w).Encode(map[string]any{"checks": checks, "ok": !failed})
		return failed
	}
	width := 0
	for _, ch := range checks {
		width = max(width, len(ch.Name))
	}
	for _, ch := range checks {
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", ch.Result, width, ch.Name, ch.Detail)
		if ch.Fix != "" {
			fmt.Fprintf(w, "      %-*s  fix: %s\n", width, "", ch.Fix)
		}
	}
	return failed
}

func (h host) read(name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(h.procSys, name))
	return strings.TrimSpace(string(b)), err == nil
}

func (h host) kernelCheck() check {
	release, ok := h.read("kernel/osrelease")
	c := check{Name: "kernel", Result: "ok", Detail: "Linux " + orUnknown(release, ok)}
	var major, minor int
	if _, err := fmt.Sscanf(release, "%d.%d", &major, &minor); err != nil || major < 5 || major == 5 && minor < 11 {
		c.Result, c.Fix = "fail", "Linux 5.11 or newer (close_range, seccomp user notification)"
	}
	return c
}

func (h host) userNSCheck() check {
	c := check{Name: "user namespaces", Result: "ok"}
	max, ok := h.read("user/max_user_namespaces")
	if n, err := strconv.Atoi(max); !ok || err != nil || n == 0 {
		c.Result, c.Detail = "fail", "user.max_user_namespaces is "+orUnknown(max, ok)
		c.Fix = "sysctl -w user.max_user_namespaces=15000"
		return c
	}
	c.Detail = "user.max_user_namespaces=" + max
	unprivileged := h.euid != 0
	if v, ok := h.read("kernel/unprivileged_userns_clone"); ok && v == "0" && unprivileged {
		c.Result, c.Detail = "fail", c.Detail+"; kernel.unprivileged_userns_clone=0 (Debian's switch)"
		c.Fix = "sysctl -w kernel.unprivileged_userns_clone=1, or run jailpy as root with --uid"
	}
	if v, ok := h.read("kernel/apparmor_restrict_unprivileged_userns"); ok && v == "1" {
		c.Detail += "; kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 24.04+)"
		if unprivileged {
			c.Result = "fail"
			c.Fix = "an AppArmor profile allowing userns for jailpy, or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or run as root with --uid"
		}
	}
	return c
}

func (h host) seccompCheck() check {
	c := check{Name: "seccomp", Result: "ok"}
	actions, ok := h.read("kernel/seccomp/actions_avail")
	c.Detail = "actions: " + orUnknown(actions, ok)
	if !ok || !strings.Contains(" "+actions+" ", " user_notif ") {
		c.Result, c.Fix = "fail", "a kernel with seccomp user notification (SECCOMP_RET_USER_NOTIF, Linux 5.0+)"
	}
	return c
}

// cgroupCheck says which cgroup the jail would get; none is a warning:
// runs are then bounded by rlimits only.
func cgroupCheck(opts cgroup.Options, euid int) check {
	mode, reason := cgroup.DetectFor(opts)
	c := check{Name: "cgroup", Result: "ok", Detail: "runs get cgroup " + string(mode)}
	if reason != "" {
		c.Detail += " (" + reason + ")"
	}
	c.Detail += "; " + cgroup.Describe().String()
	if mode == cgroup.None {
		c.Result = "warn"
		c.Fix = "as root, cgroup v2 or v1 with the memory and pids controllers; as another user, a delegated v2 cgroup (systemd-run --user -p Delegate=yes --scope ...) passed as --cgroup-parent"
		if euid == 0 {
			c.Fix = "mount cgroup v2 with the memory and pids controllers (or v1's memory and pids)"
		}
	}
	return c
}

// interpreterCheck resolves the interpreter and plans its jail.
func interpreterCheck(flag string) (string, check) {
	c := check{Name: "interpreter"}
	python, err := rootfs.Resolve(flag)
	if err != nil {
		c.Result, c.Detail, c.Fix = "fail", err.Error(), "pass --python with a CPython 3.8+ binary"
		return "", c
	}
	plan, err := rootfs.PlanFor(python)
	if err != nil {
		c.Result, c.Detail = "fail", python+": "+err.Error()
		c.Fix = "pass --python with a CPython 3.8+ binary"
		return "", c
	}
	c.Result = "ok"
	c.Detail = fmt.Sprintf("%s, %d mounts (jailpy rootfs show)", python, len(plan.Entries))
	if len(plan.Missing) > 0 {
		c.Result = "warn"
		c.Detail += fmt.Sprintf("; %d libraries not found: %s", len(plan.Missing), strings.Join(plan.Missing, ", "))
		c.Fix = "install the libraries, or those extension modules fail to import in the jail as they do outside"
	}
	return python, c
}

// cacheCheck says where plans and policies' module copies are kept.
// Without a cache every run probes the interpreter (~20-50 ms more) and a
// run under a policy cannot start: the copy of its modules lives there.
func cacheCheck(dir string, fallback bool) check {
	c := check{Name: "cache", Result: "ok", Detail: dir}
	switch {
	case dir == "":
		c.Result, c.Detail = "fail", "no cache directory only this user can write"
		c.Fix = "give the user a home it owns, or set XDG_CACHE_HOME to a directory it owns (mode 0700); runs under --policy need one"
	case fallback:
		c.Result = "warn"
		c.Detail += " (the fallback: neither $XDG_CACHE_HOME/jailpy nor $HOME/.cache/jailpy could be made or trusted; a reboot or a tmp cleaner empties it)"
		c.Fix = "set XDG_CACHE_HOME to a directory the user owns, mode 0700"
	}
	return c
}

// trialCheck runs one real call through the whole jail; with a policy,
// through the plan narrowed to its modules.
func trialCheck(python string, opts cgroup.Options, policy *jail.Policy) check {
	src, name := "def main():\n    return 42\n", "trial run"
	if policy != nil {
		src, name = "import statistics\ndef main():\n    return int(statistics.mean([41, 43]))\n", "trial run, --policy "+policy.Name
	}
	spec := &jail.Spec{Source: []byte(src), Filename: "doctor.py", Func: "main", Policy: policy,
		Python: python, Limits: jail.DefaultLimits(), Cgroup: opts, UID: jail.DefaultHostID, GID: jail.DefaultHostID}
	res := jail.Run(context.Background(), spec)
	c := check{Name: name, Result: "ok", Detail: fmt.Sprintf("ok in %.1f ms, cgroup %s", res.WallMS, res.Limits.Cgroup)}
	if res.Status != jail.StatusOK || string(res.Value) != "42" {
		c.Result = "fail"
		c.Detail = "status " + string(res.Status)
		if res.Error != nil {
			c.Detail += ": " + res.Error.Message
		}
		c.Fix = "see the checks above; jailpy selftest --python " + python + " shows more"
	}
	return c
}

func orUnknown(v string, ok bool) string {
	if !ok {
		return "unknown (not readable)"
	}
	return v
}
