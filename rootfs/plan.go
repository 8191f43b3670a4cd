package rootfs

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Plan is what the jail mounts for one interpreter, in mount order
// (parents before children). It is the complete list of host files the
// jail can read, besides /dev/null, /dev/zero and /dev/urandom.
type Plan struct {
	// Python is the real absolute path of the interpreter binary, exec'd
	// at the same path inside.
	Python string `json:"python"`
	// Entries are the binds and symlinks, in mount order.
	Entries []Entry `json:"entries"`
	// Env is extra environment Python needs inside, e.g.
	// LD_LIBRARY_PATH=<dir> when a library lives outside the loader's
	// default directories: the jail has no ld.so.cache.
	Env []string `json:"env,omitempty"`
	// Missing lists libraries some extension module needs that no search
	// found, as "soname (needed by path)". Those modules fail to import
	// inside as they do outside; doctor output can show them.
	Missing []string `json:"missing,omitempty"`
	// Builtin, for a plan narrowed to a policy's modules, lists the
	// modules compiled into the interpreter, which no plan can leave out.
	Builtin []string `json:"builtin,omitempty"`
}

// Kind says how an Entry appears in the jail.
type Kind string

const (
	// Dir is a read-only bind of a host directory.
	Dir Kind = "dir"
	// File is a read-only bind of a host file.
	File Kind = "file"
	// Symlink is a symlink created in the jail's tmpfs root.
	Symlink Kind = "symlink"
	// Empty is an empty read-only directory mounted over Path, hiding a
	// host directory that lies inside a bound one but is not needed, such
	// as a pyenv stdlib's site-packages (the jail runs python -S).
	Empty Kind = "empty"
)

// Entry is one path of the jail.
type Entry struct {
	Kind   Kind   `json:"kind"`
	Path   string `json:"path"`             // absolute path inside the jail
	Source string `json:"source,omitempty"` // host path to bind (Dir, File)
	Target string `json:"target,omitempty"` // symlink target (Symlink)
}

// reserved are jail paths Enter mounts itself; a plan entry there would be
// hidden by, or hide, the jail's own /dev and /tmp, and /proc and /sys
// must never exist inside.
var reserved = []string{"/dev", "/tmp", "/proc", "/sys"}

// devices are the only device nodes of the jail, bound from the host's /dev.
var devices = []string{"null", "zero", "urandom"}

// Mounts is the number of mount points Enter creates for p: one per bind
// or mask, the tmpfs root, three device nodes and /tmp.
func (p *Plan) Mounts() int {
	n := 1 + len(devices) + 1
	for _, e := range p.Entries {
		if e.Kind != Symlink {
			n++
		}
	}
	return n
}

// validate checks what Enter relies on, so that a corrupt or hand-written
// plan fails with a message instead of mounting something odd.
func (p *Plan) validate() error {
	if p == nil {
		return fmt.Errorf("rootfs: nil plan")
	}
	if !filepath.IsAbs(p.Python) {
		return fmt.Errorf("rootfs: plan: python %q is not an absolute path", p.Python)
	}
	for _, e := range p.Entries {
		if !filepath.IsAbs(e.Path) || filepath.Clean(e.Path) != e.Path || e.Path == "/" {
			return fmt.Errorf("rootfs: plan: entry path %q must be absolute, clean and not /", e.Path)
		}
		for _, r := range reserved {
			if e.Path == r || strings.HasPrefix(e.Path, r+"/") {
				return fmt.Errorf("rootfs: plan: entry %s is inside %s, which the jail provides itself", e.Path, r)
			}
		}
		switch e.Kind {
		case Dir, File:
			if !filepath.IsAbs(e.Source) {
				return fmt.Errorf("rootfs: plan: %s %s: source %q is not absolute", e.Kind, e.Path, e.Source)
			}
		case Symlink:
			if e.Target == "" {
				return fmt.Errorf("rootfs: plan: symlink %s has no target", e.Path)
			}
		case Empty:
		default:
			return fmt.Errorf("rootfs: plan: entry %s has unknown kind %q", e.Path, e.Kind)
		}
	}
	return nil
}

// buildPlan computes the plan for python from scratch: the binary, its
// loader, the interpreter's sys.path (one probe run), and the DT_NEEDED
// closure of the binary and of every extension module on sys.path (of
// only the modules n keeps, when narrowing). It also returns the host
// paths the plan depends on, for the cache.
func buildPlan(python string, n *narrowing) (*Plan, []string, error) {
	abs, err := filepath.Abs(python)
	if err != nil {
		return nil, nil, fmt.Errorf("rootfs: plan %s: %w", python, err)
	}
	t := newTree()
	real, fi, err := t.add(abs)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("rootfs: plan %s: not a regular file", real)
	}
	if ok, err := isELF(real); err != nil || !ok {
		return nil, nil, fmt.Errorf("rootfs: plan %s: %s is not an ELF binary (a shim? call Resolve first)", python, real)
	}
	exe, err := readELF(real, nil)
	if err != nil {
		return nil, nil, err
	}
	p := &Plan{Python: real}
	sysDirs, known := probeLoaderDirs(exe.interp)
	if !known {
		sysDirs = []string{"/lib64", "/usr/lib64", "/lib", "/usr/lib"}
	}
	s := newLibSearch(exe, sysDirs, known)
	c := closure{search: s, tree: t, loaded: map[string]bool{}, narrow: n}
	if exe.interp != "" {
		// The loader is mapped by the kernel, not searched for; it then
		// answers to its soname, so libc's DT_NEEDED on it is not a search.
		if _, _, err := t.add(exe.interp); err != nil {
			return nil, nil, err
		}
		c.loaded[filepath.Base(exe.interp)] = true
		if ld, err := readELF(exe.interp, nil); err == nil && ld.soname != "" {
			c.loaded[ld.soname] = true
		}
	}
	facts, err := probePython(real)
	if err != nil {
		return nil, nil, err
	}
	modules, err := c.addSysPath(facts)
	if err != nil {
		return nil, nil, err
	}
	// The executable's closure is loaded at start-up, before any module
	// is dlopen'ed: resolve it first so names resolve as they would then.
	if err := c.load(exe); err != nil {
		return nil, nil, err
	}
	for _, m := range modules {
		if err := c.load(m); err != nil {
			return nil, nil, err
		}
	}
	// glibc dlopens libgcc_s.so.1 for unwinding (pthread_exit, pthread_cancel,
	// backtrace): CPython calls pthread_exit when a daemon thread meets
	// interpreter shutdown, and without it glibc aborts the process.
	if !c.loaded["libgcc_s.so.1"] {
		if f, ok := s.find("libgcc_s.so.1", exe); ok {
			c.loaded["libgcc_s.so.1"] = true
			if err := c.use(f); err != nil {
				return nil, nil, err
			}
			if err := c.load(f.obj); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(c.envDirs) > 0 {
		p.Env = []string{"LD_LIBRARY_PATH=" + strings.Join(c.envDirs, ":")}
	}
	p.Missing = c.missing
	if n != nil {
		if err := n.swap(t, c.sysDirs); err != nil {
			return nil, nil, err
		}
		p.Builtin = n.mods.Builtin
	}
	p.Entries = t.sorted()
	if err := p.validate(); err != nil {
		return nil, nil, err
	}
	inputs := append(append(t.inputs, s.inputs...), c.inputs...)
	slices.Sort(inputs)
	return p, slices.Compact(inputs), nil
}
