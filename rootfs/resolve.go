package rootfs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Resolve turns the --python argument into the real interpreter binary: an
// absolute, symlink-free path to an ELF executable, which the jail execs at
// the same path.
//
// "" means python3 on PATH; a bare name is looked up on PATH; symlinks are
// followed. A launcher script that is not an ELF file (a pyenv or asdf shim)
// is run once as `<shim> -I -S -c 'import sys; print(sys.executable)'`, with
// the caller's environment and cwd because that is what such shims select a
// version by. That probe costs a process start (tens of milliseconds for
// pyenv) on every call: production should pass the real path.
func Resolve(python string) (string, error) {
	if python == "" {
		python = "python3"
	}
	path := python
	if !strings.Contains(python, "/") {
		p, err := exec.LookPath(python)
		if err != nil {
			return "", fmt.Errorf("rootfs: resolve python %q: %w", python, err)
		}
		path = p
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("rootfs: resolve python %q: %w", python, err)
	}
	real, err := realELF(abs)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, errNotELF) {
		return "", fmt.Errorf("rootfs: resolve python %q: %w", python, err)
	}
	// Run the shim by the path it was found at, not its resolved target:
	// shims dispatch on their own name ($0).
	out, err := run(abs, "", os.Environ(), "-I", "-S", "-c", "import sys; print(sys.executable)")
	if err != nil {
		return "", fmt.Errorf("rootfs: resolve python %q: %s is not an ELF file and running it failed: %w", python, abs, err)
	}
	exe := strings.TrimSpace(string(out))
	if !filepath.IsAbs(exe) {
		return "", fmt.Errorf("rootfs: resolve python %q: shim %s reported sys.executable %q, not an absolute path", python, abs, exe)
	}
	real, err = realELF(exe)
	if err != nil {
		return "", fmt.Errorf("rootfs: resolve python %q: shim %s led to %s: %w", python, abs, exe, err)
	}
	return real, nil
}

var errNotELF = errors.New("not an ELF executable")

// realELF follows symlinks and checks the result is an executable ELF file.
func realELF(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("%s: not an executable regular file", real)
	}
	ok, err := isELF(real)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%s: %w", real, errNotELF)
	}
	return real, nil
}
