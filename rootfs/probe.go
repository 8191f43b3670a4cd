package rootfs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// probeTimeout bounds every helper process this package starts; a hung
// interpreter must not hang the caller.
const probeTimeout = 20 * time.Second

// pythonFacts is what the interpreter reports about itself at plan-build
// time. It runs with -I -S, the flags the jail runs it with, so sys.path is
// the one the jail will see: no user site, no site-packages, no PYTHON* env.
type pythonFacts struct {
	Executable string   `json:"executable"`
	Path       []string `json:"path"`
	Stdlib     string   `json:"stdlib"`
	Version    string   `json:"version"`
}

const probeScript = `import sys, os, json
print(json.dumps({"executable": sys.executable, "path": sys.path,
    "stdlib": os.path.dirname(os.__file__), "version": sys.version}))`

// probePython runs the interpreter once, with an empty environment and "/"
// as cwd so that nothing of the caller leaks into the plan.
func probePython(python string) (*pythonFacts, error) {
	out, err := run(python, "/", nil, "-I", "-S", "-c", probeScript)
	if err != nil {
		return nil, err
	}
	var f pythonFacts
	if err := json.Unmarshal(out, &f); err != nil {
		return nil, fmt.Errorf("rootfs: probe %s: bad output %q: %w", python, out, err)
	}
	if !filepath.IsAbs(f.Stdlib) {
		return nil, fmt.Errorf("rootfs: probe %s: stdlib directory %q is not absolute", python, f.Stdlib)
	}
	return &f, nil
}

// probeLoaderDirs asks glibc's ld.so (2.33+) for its built-in search
// directories. The jail has no ld.so.cache, so these are the only
// directories its loader searches without LD_LIBRARY_PATH. ok is false for
// other loaders (musl, old glibc): the caller then names every library
// directory in LD_LIBRARY_PATH, which is always correct, only longer.
func probeLoaderDirs(interp string) (dirs []string, ok bool) {
	if interp == "" {
		return nil, false
	}
	out, err := run(interp, "/", nil, "--list-diagnostics")
	if err != nil {
		return nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, val, found := strings.Cut(sc.Text(), "=")
		if !found || !strings.HasPrefix(key, "path.system_dirs[") {
			continue
		}
		d, err := strconv.Unquote(val)
		if err != nil || !filepath.IsAbs(d) {
			continue
		}
		dirs = append(dirs, filepath.Clean(d))
	}
	return dirs, len(dirs) > 0
}

// run starts one helper process in dir ("" = ours) and returns its
// stdout. env nil means an empty environment, not the caller's.
func run(path, dir string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append([]string{}, env...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return nil, fmt.Errorf("rootfs: run %s %s: %w: %s", path, strings.Join(args[:1], " "), err, msg)
	}
	return out, nil
}
