package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A command is one way of making the call: argv, with the call's
// arguments on stdin.
type command struct {
	name string
	argv []string
	// env is the environment; nil inherits the driver's.
	env []string
}

// commands returns bare and jailpy first (both required), then bwrap and
// firejail when installed, and notes on what each was given or why it was
// skipped.
func commands(python, jailpy string) ([]command, []string, error) {
	py, err := exec.LookPath(python)
	if err != nil {
		return nil, nil, fmt.Errorf("bare: %v", err)
	}
	jp, err := exec.LookPath(jailpy)
	if err != nil {
		return nil, nil, fmt.Errorf("jailpy: %v (build it with scripts/setup)", err)
	}
	run, err := filepath.Abs(runner)
	if err != nil {
		return nil, nil, err
	}
	user, err := filepath.Abs(userFile)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range []string{run, user} {
		if _, err := os.Stat(f); err != nil {
			return nil, nil, fmt.Errorf("%v (run from the repository root)", err)
		}
	}

	cmds := []command{
		{name: "bare", argv: []string{py, "-I", "-S", run, user, funcName}},
		{name: "jailpy", argv: []string{jp, "exec", "--python", py, "--func", funcName, "--args", "-", user}},
	}
	notes := []string{
		"bare: `" + py + " -I -S scripts/bare_runner.py " + userFile + " score`, unjailed, the driver's environment.",
		"jailpy: `jailpy exec --python " + py + " --func score --args - " + userFile + "`, default limits.",
	}
	if bw, err := exec.LookPath("bwrap"); err != nil {
		notes = append(notes, "bwrap: skipped, not installed (apt-get install bubblewrap).")
	} else {
		argv, err := bwrapArgv(bw, py, run, user)
		if err != nil {
			return nil, nil, fmt.Errorf("bwrap: %v", err)
		}
		cmds = append(cmds, command{name: "bwrap", argv: argv})
		notes = append(notes, version(bw, "--version")+": `"+strings.Join(argv[1:], " ")+"`. No --seccomp: bwrap takes only a precompiled BPF program on a file descriptor. No cgroup or rlimit limits.")
	}
	if fj, err := exec.LookPath("firejail"); err != nil {
		notes = append(notes, "firejail: skipped, not installed (apt-get install firejail).")
	} else {
		// firejail hides /tmp and /var/tmp, where a checkout (CI's) may
		// live: the runner and the upload are given to it from the user's
		// cache directory.
		frun, fuser, err := outsideTmp(run, user)
		if err != nil {
			return nil, nil, fmt.Errorf("firejail: %v", err)
		}
		argv, note := firejailArgv(fj, py, frun, fuser)
		// An empty environment, as bwrap's --clearenv and jailpy give.
		cmds = append(cmds, command{name: "firejail", argv: argv, env: []string{}})
		notes = append(notes, version(fj, "--version")+": `"+strings.Join(argv[1:], " ")+"`, empty environment. "+note+" No cgroup or rlimit limits.")
	}
	return cmds, notes, nil
}

// bwrapArgv confines the bare runner about as jailpy does: every
// namespace, no capabilities, an empty environment, a tmpfs root with
// read-only binds of /usr (the top-level links to it recreated as links),
// the runner and the user file, a minimal /dev and a tmpfs /tmp.
func bwrapArgv(bwrap, python, run, user string) ([]string, error) {
	argv := []string{bwrap,
		"--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv",
		"--ro-bind", "/usr", "/usr"}
	for _, dir := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		fi, err := os.Lstat(dir)
		switch {
		case err != nil:
			continue
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(dir)
			if err != nil {
				return nil, err
			}
			argv = append(argv, "--symlink", target, dir)
		case fi.IsDir():
			argv = append(argv, "--ro-bind", dir, dir)
		}
	}
	// An interpreter outside /usr (pyenv, /opt) needs its prefix too.
	real, err := filepath.EvalSymlinks(python)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(real, "/usr/") {
		prefix := filepath.Dir(filepath.Dir(real))
		argv = append(argv, "--ro-bind", prefix, prefix)
	}
	argv = append(argv,
		"--ro-bind", run, "/jail/runner.py",
		"--ro-bind", user, "/jail/user.py",
		"--dev", "/dev", "--tmpfs", "/tmp",
		"--", python, "-I", "-S", "/jail/runner.py", "/jail/user.py", funcName)
	return argv, nil
}

// firejailArgv confines the bare runner with firejail's closest options.
// --shell=none is given only when `firejail --help` lists it: 0.9.72
// made it the default and removed the option (given, firejail exits 1).
func firejailArgv(firejail, python, run, user string) ([]string, string) {
	argv := []string{firejail, "--quiet", "--noprofile", "--net=none", "--private-tmp",
		"--caps.drop=all", "--nonewprivs", "--seccomp", "--nogroups"}
	note := "--shell=none not given: `firejail --help` does not list it (0.9.72 made it the default and removed the option; given, firejail exits 1)."
	help, _ := exec.Command(firejail, "--help").Output()
	if strings.Contains(string(help), "--shell=none") {
		argv = append(argv, "--shell=none")
		note = "--shell=none given (listed by `firejail --help`)."
	}
	argv = append(argv, "--", python, "-I", "-S", run, user, funcName)
	return argv, note
}

// version is the first line a tool prints for its version flag.
func version(tool, flag string) string {
	out, err := exec.Command(tool, flag).Output()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil || line == "" {
		return filepath.Base(tool)
	}
	return line
}

// outsideTmp copies the two files into a new directory under the user's
// cache directory (see removeScratch) and returns the copies' paths.
func outsideTmp(files ...string) (string, string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", "", err
	}
	os.MkdirAll(base, 0o755)
	dir, err := os.MkdirTemp(base, "jailpy-benchcmp-")
	if err != nil {
		return "", "", err
	}
	os.Chmod(dir, 0o755)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", "", err
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return "", "", err
		}
		out = append(out, dst)
	}
	scratch = append(scratch, dir)
	return out[0], out[1], nil
}

// scratch lists the directories the driver made, removed at its end.
var scratch []string

func removeScratch() {
	for _, d := range scratch {
		os.RemoveAll(d)
	}
}
