package rootfs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const debianPython = "/usr/bin/python3.11"
const pyenvPython = "/root/.pyenv/versions/3.11.7/bin/python3.11"

func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("needs %s: %v", path, err)
	}
}

func entryAt(p *Plan, path string) (Entry, bool) {
	for _, e := range p.Entries {
		if e.Path == path {
			return e, true
		}
	}
	return Entry{}, false
}

// reachable reports whether path exists in the jail p describes, following
// the plan's own symlinks the way the kernel would inside.
func reachable(p *Plan, path string) bool {
	byPath := map[string]Entry{}
	for _, e := range p.Entries {
		byPath[e.Path] = e
	}
	resolved := "/"
	rest := strings.Split(path, "/")
	for n := 0; len(rest) > 0 && n < 100; n++ {
		c := rest[0]
		rest = rest[1:]
		if c == "" || c == "." {
			continue
		}
		next := filepath.Join(resolved, c)
		e, ok := byPath[next]
		switch {
		case ok && e.Kind == Symlink:
			if filepath.IsAbs(e.Target) {
				resolved = "/"
			}
			rest = append(strings.Split(e.Target, "/"), rest...)
			continue
		case ok && (e.Kind == Dir || e.Kind == File):
			// Inside a bind the host's view holds.
			host := filepath.Join(append([]string{e.Source}, rest...)...)
			_, err := os.Stat(host)
			return err == nil
		}
		resolved = next
	}
	return false
}

func TestPlanDebian(t *testing.T) {
	needFile(t, debianPython)
	p, inputs, err := buildPlan(debianPython, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Entries {
		t.Logf("%-7s %s %s%s", e.Kind, e.Path, e.Source, e.Target)
	}
	t.Logf("entries=%d mounts=%d inputs=%d env=%v missing=%v", len(p.Entries), p.Mounts(), len(inputs), p.Env, p.Missing)
	if p.Python != debianPython {
		t.Errorf("Python = %q", p.Python)
	}
	if e, ok := entryAt(p, debianPython); !ok || e.Kind != File {
		t.Errorf("binary %s not bound as a file: %+v", debianPython, e)
	}
	for _, want := range []string{
		"/lib64/ld-linux-x86-64.so.2", // PT_INTERP, through two symlinks
		debianPython,
		"/usr/lib/python3.11/os.py",
		"/usr/lib/python3.11/lib-dynload",
	} {
		if !reachable(p, want) {
			t.Errorf("%s is not reachable in the jail", want)
		}
	}
	for _, lib := range []string{"libc.so.6", "libm.so.6", "libz.so.1", "libexpat.so.1", "libssl.so.3", "libcrypto.so.3", "libffi.so.8", "liblzma.so.5", "libbz2.so.1.0", "libsqlite3.so.0", "libuuid.so.1", "libgcc_s.so.1"} {
		if !reachable(p, "/lib/x86_64-linux-gnu/"+lib) {
			t.Errorf("%s is not reachable where the jail's loader looks (/lib/x86_64-linux-gnu)", lib)
		}
	}
	if e, ok := entryAt(p, "/lib64"); !ok || e.Kind != Symlink || e.Target != "usr/lib64" {
		t.Errorf("/lib64 should be the symlink usr/lib64, got %+v", e)
	}
	if e, ok := entryAt(p, "/usr/lib/python3.11"); !ok || e.Kind != Dir {
		t.Errorf("stdlib should be one dir bind, got %+v", e)
	}
	if _, ok := entryAt(p, "/usr/lib/python3.11/lib-dynload"); ok {
		t.Errorf("lib-dynload is inside the stdlib bind and must not be mounted again")
	}
	for _, e := range p.Entries {
		if e.Kind == Dir && e.Path != "/usr/lib/python3.11" {
			t.Errorf("unexpected directory bind %s: libraries must be bound file by file", e.Path)
		}
	}
	if len(p.Env) != 0 {
		t.Errorf("Env = %v, want none on Debian (all libraries in the loader's default dirs)", p.Env)
	}
	if !slices.Contains(inputs, "/usr/lib/python3.11/lib-dynload") {
		t.Errorf("lib-dynload is not stamped for the cache")
	}
}

func TestPlanPyenv(t *testing.T) {
	needFile(t, pyenvPython)
	p, _, err := buildPlan(pyenvPython, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Entries {
		t.Logf("%-7s %s %s%s", e.Kind, e.Path, e.Source, e.Target)
	}
	t.Logf("entries=%d mounts=%d env=%v missing=%v", len(p.Entries), p.Mounts(), p.Env, p.Missing)
	root := filepath.Dir(filepath.Dir(pyenvPython))
	for _, want := range []string{
		root + "/lib/libpython3.11.so.1.0", // found through DT_RUNPATH
		root + "/lib/python3.11/os.py",
		root + "/lib/python3.11/lib-dynload/_hashlib.cpython-311-x86_64-linux-gnu.so",
		"/lib/x86_64-linux-gnu/libssl.so.3",
	} {
		if !reachable(p, want) {
			t.Errorf("%s is not reachable in the jail", want)
		}
	}
	if e, ok := entryAt(p, root+"/lib/python3.11/site-packages"); !ok || e.Kind != Empty {
		t.Errorf("site-packages should be masked, got %+v", e)
	}
}
