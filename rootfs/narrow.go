package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A policy with an import allow-list narrows the plan: the jail sees only
// the stdlib modules the interpreter, the wrapper and the allowed modules
// import (ctypes, socket, subprocess and the rest are absent, so a bypass
// of the policy's own checks still finds nothing to load). Binding each
// module file would cost one mount per file (~130 for the safe profile,
// a few ms per run); instead the needed files are copied once into a
// directory in the cache, named by what it holds, and that one directory
// is bound where the stdlib was.

// Modules is the set of module files a narrowed plan keeps.
type Modules struct {
	// Files are host paths of module files (.py sources, package
	// __init__.py, extension .so) as the interpreter reported them.
	Files []string `json:"files"`
	// CacheTag is sys.implementation.cache_tag ("cpython-311"): each
	// source's compiled __pycache__/NAME.TAG.pyc is kept with it, so the
	// jail does not compile the stdlib at every start.
	CacheTag string `json:"cache_tag"`
	// Builtin are the modules compiled into the interpreter binary
	// (sys.builtin_module_names): present in any plan, narrowed or not.
	Builtin []string `json:"builtin"`
}

// PlanForModules returns python's plan narrowed to the module files probe
// names. key identifies what probe is asked (the allow-list); on a cache
// miss probe is called with the full plan, and the answer is cached with
// stamps of everything it was derived from, like PlanFor's.
func PlanForModules(python, key string, probe func(full *Plan) (*Modules, error)) (*Plan, error) {
	abs, err := filepath.Abs(python)
	if err != nil {
		return nil, fmt.Errorf("rootfs: plan %s: %w", python, err)
	}
	c, dir, _ := openCacheDir()
	if c == nil {
		// Without a cache there is nowhere to keep the copied modules;
		// failing closed beats running with the whole stdlib.
		return nil, fmt.Errorf("rootfs: a policy's plan needs a cache directory only this user can write, for the copy of its modules: $XDG_CACHE_HOME/jailpy, $HOME/.cache/jailpy or %s (see jailpy doctor)", fallbackAdvice(fallbackCacheDir()))
	}
	defer c.Close()
	if dir, err = realDir(c, dir); err != nil {
		return nil, err
	}
	name := narrowName(abs, key)
	if p := loadPlan(c, name, abs); p != nil {
		return p, nil
	}
	full, err := PlanFor(abs)
	if err != nil {
		return nil, err
	}
	mods, err := probe(full)
	if err != nil {
		return nil, err
	}
	real, _ := filepath.EvalSymlinks(abs)
	stamp := stampOf(real)
	p, inputs, err := buildPlan(abs, &narrowing{mods: mods, cache: c, dir: dir})
	if err != nil {
		return nil, err
	}
	if real == p.Python && stampOf(real) == stamp {
		_ = storePlan(c, name, abs, p, inputs)
	}
	return p, nil
}

func narrowName(python, key string) string {
	sum := sha256.Sum256([]byte(python + "\x00" + key))
	return fmt.Sprintf("plan-%x.json", sum[:12])
}

// narrowing is buildPlan's state for a narrowed plan.
type narrowing struct {
	mods  *Modules
	cache *os.Root // where the copies are made
	dir   string   // its host path, for the bind sources
	keep  map[string]bool
}

// keeps reports whether the module file path (a real path) is wanted.
func (n *narrowing) keeps(path string) bool {
	return n.kept()[path]
}

// kept is the set of kept files by real path.
func (n *narrowing) kept() map[string]bool {
	if n.keep == nil {
		n.keep = map[string]bool{}
		for _, f := range n.mods.Files {
			if real, err := filepath.EvalSymlinks(f); err == nil {
				n.keep[real] = true
			}
		}
	}
	return n.keep
}

// swap replaces each outermost bound directory of sys.path with a copy
// holding only the kept files below it, and every sys.path directory
// inside it (lib-dynload is also CPython's landmark for its prefix).
// Entries below a swapped directory are copied into it, not bound.
func (n *narrowing) swap(t *tree, sysDirs []string) error {
	var dirs []string
	for _, d := range sysDirs {
		if e, ok := t.entries[d]; ok && e.Kind == Dir {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		if under(d, dirs) {
			continue
		}
		var files, mkdirs []string
		for f := range n.kept() {
			if strings.HasPrefix(f, d+"/") {
				files = append(files, f)
			}
		}
		for p, e := range t.entries {
			if !strings.HasPrefix(p, d+"/") {
				continue
			}
			switch e.Kind {
			case File:
				files = append(files, p)
			case Dir:
				mkdirs = append(mkdirs, p)
			}
			delete(t.entries, p) // an Empty mask has nothing to hide in the copy
		}
		src, copied, err := n.copyTree(d, files, mkdirs)
		if err != nil {
			return err
		}
		t.entries[d] = Entry{Kind: Dir, Path: d, Source: src}
		// Every directory on either side is stamped: an upgrade installs
		// by rename (collections/ moves, the stdlib's top does not), and a
		// tmp cleaner deleting one file of the copy moves its directory.
		for _, f := range copied {
			for dir := filepath.Dir(f); strings.HasPrefix(dir, d); dir = filepath.Dir(dir) {
				t.inputs = append(t.inputs, dir)
				rel, _ := filepath.Rel(d, dir)
				t.inputs = append(t.inputs, filepath.Join(src, rel))
				if dir == d {
					break
				}
			}
		}
		t.inputs = append(t.inputs, src)
	}
	return nil
}

// copyTree makes (or finds) the cache directory holding files and mkdirs,
// all below root, at their paths relative to it, and returns its host path
// and the host files copied (with the .pyc files).
// Its name is a digest of what it holds, including each file's stamp, so
// an upgraded stdlib gets a new copy and an existing one is never changed.
func (n *narrowing) copyTree(root string, files, mkdirs []string) (string, []string, error) {
	var all []string
	for _, f := range files {
		all = append(all, f)
		if pyc := n.compiled(f); pyc != "" {
			all = append(all, pyc)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	slices.Sort(mkdirs)
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00", planFormat, root)
	for _, f := range all {
		fmt.Fprintf(h, "%s\x00%+v\x00", f, stampOf(f))
	}
	for _, d := range mkdirs {
		fmt.Fprintf(h, "dir %s\x00", d)
	}
	name := "modules-" + hex.EncodeToString(h.Sum(nil)[:12])
	want := manifest(root, all)
	if fi, err := n.cache.Lstat(name); err == nil && fi.IsDir() {
		if n.intact(name, want) {
			return filepath.Join(n.dir, name), all, nil
		}
		// Damaged (a tmp cleaner, a hand): set aside, never patched in
		// place, since a running jail may have it bound.
		aside := fmt.Sprintf(".%s.%d.%d.damaged", name, os.Getpid(), time.Now().UnixNano())
		if err := n.cache.Rename(name, aside); err == nil {
			_ = n.cache.RemoveAll(aside)
		}
	}
	n.sweep()
	tmp := fmt.Sprintf(".%s.%d.%d.tmp", name, os.Getpid(), time.Now().UnixNano())
	if err := n.fill(tmp, root, all, mkdirs); err != nil {
		_ = n.cache.RemoveAll(tmp)
		return "", nil, fmt.Errorf("rootfs: copying the policy's modules into the cache: %w", err)
	}
	if err := n.cache.Rename(tmp, name); err != nil {
		_ = n.cache.RemoveAll(tmp)
		// Another run made the same copy first: the name says it is the same.
		if !n.intact(name, want) {
			return "", nil, fmt.Errorf("rootfs: copying the policy's modules into the cache: %w", err)
		}
	}
	return filepath.Join(n.dir, name), all, nil
}

// copyEntry is one file of a copy as it must be: its size and mtime.
type copyEntry struct {
	Size  int64
	Mtime int64
}

// manifest is what the copy of files (below root) must hold.
func manifest(root string, files []string) map[string]copyEntry {
	m := make(map[string]copyEntry, len(files))
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		if fi, err := os.Stat(f); err == nil {
			m[rel] = copyEntry{fi.Size(), fi.ModTime().UnixNano()}
		}
	}
	return m
}

// intact checks the copy name against want, one lstat per file: paid only
// when a plan is built, not per run.
func (n *narrowing) intact(name string, want map[string]copyEntry) bool {
	for rel, e := range want {
		fi, err := n.cache.Lstat(filepath.Join(name, rel))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != e.Size || fi.ModTime().UnixNano() != e.Mtime {
			return false
		}
	}
	// Nothing more either: a module added to the copy widens the jail.
	files := 0
	err := fs.WalkDir(n.cache.FS(), name, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	return err == nil && files == len(want)
}

// sweep removes what a killed jailpy left half made (.modules-*.tmp) or
// set aside, once it is an hour old (no live copy takes that long), and
// copies no plan names any more (an upgraded stdlib's, an old
// allow-list's) once unused for a day.
func (n *narrowing) sweep() {
	ents := n.entries()
	defer n.sweepUnused(ents)
	for _, de := range ents {
		name := de.Name()
		if !strings.HasPrefix(name, ".modules-") || !(strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".damaged")) {
			continue
		}
		if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = n.cache.RemoveAll(name)
		}
	}
}

// compiled is the stdlib's own .pyc of a source file, if it has one.
func (n *narrowing) compiled(f string) string {
	if !strings.HasSuffix(f, ".py") || n.mods.CacheTag == "" || strings.ContainsAny(n.mods.CacheTag, "/\x00") {
		return ""
	}
	stem := strings.TrimSuffix(filepath.Base(f), ".py")
	pyc := filepath.Join(filepath.Dir(f), "__pycache__", stem+"."+n.mods.CacheTag+".pyc")
	if fi, err := os.Lstat(pyc); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return pyc
}

// fill copies into the new cache directory tmp. Modes are made readable
// by all (the jail runs as another uid when jailpy is root) and mtimes
// kept, which CPython checks a .pyc against.
func (n *narrowing) fill(tmp, root string, files, mkdirs []string) error {
	if err := n.cache.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	for _, d := range mkdirs {
		rel, _ := filepath.Rel(root, d)
		if err := n.mkdirAll(filepath.Join(tmp, rel)); err != nil {
			return err
		}
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		dst := filepath.Join(tmp, rel)
		if err := n.mkdirAll(filepath.Dir(dst)); err != nil {
			return err
		}
		if err := n.copyFile(f, dst); err != nil {
			return err
		}
	}
	return nil
}

func (n *narrowing) mkdirAll(rel string) error {
	if err := n.cache.MkdirAll(rel, 0o755); err != nil {
		return err
	}
	// MkdirAll's mode is masked by the umask; the jail must traverse.
	return n.cache.Chmod(rel, 0o755)
}

func (n *narrowing) copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", src)
	}
	out, err := n.cache.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := n.cache.Chmod(dst, fi.Mode().Perm()&0o755|0o444); err != nil {
		return err
	}
	return n.cache.Chtimes(dst, fi.ModTime(), fi.ModTime())
}

// fallbackAdvice names the $TMPDIR fallback and, when it exists but
// cannot be used, why.
func fallbackAdvice(dir string) string {
	if dir == "" {
		return "none ($TMPDIR is not absolute)"
	}
	fi, err := os.Lstat(dir)
	switch {
	case err != nil:
		return dir
	case fi.Mode()&os.ModeSymlink != 0:
		return dir + ", which is a symlink someone made there: set XDG_CACHE_HOME"
	case trusted(fi) != nil:
		return dir + " (" + strings.TrimPrefix(trusted(fi).Error(), "rootfs: cache: ") + "): set XDG_CACHE_HOME"
	}
	return dir
}

// sweepUnused removes modules-* directories that no plan file of the
// cache binds and that are a day old.
func (n *narrowing) sweepUnused(ents []fs.DirEntry) {
	used := map[string]bool{}
	var copies []fs.DirEntry
	for _, de := range ents {
		switch name := de.Name(); {
		case strings.HasPrefix(name, "plan-") && strings.HasSuffix(name, ".json"):
			var cf cacheFile
			if data := readTrusted(n.cache, name, maxCacheFile); data == nil || json.Unmarshal(data, &cf) != nil {
				return // a plan we cannot read may bind anything: keep all
			}
			for _, e := range cf.Plan.Entries {
				if filepath.Dir(e.Source) == n.dir {
					used[filepath.Base(e.Source)] = true
				}
			}
		case strings.HasPrefix(name, "modules-") && de.IsDir():
			copies = append(copies, de)
		}
	}
	for _, de := range copies {
		if fi, err := de.Info(); err == nil && !used[de.Name()] && time.Since(fi.ModTime()) > 24*time.Hour {
			_ = n.cache.RemoveAll(de.Name())
		}
	}
}

// entries lists the cache directory; nil if it cannot be read.
func (n *narrowing) entries() []fs.DirEntry {
	f, err := n.cache.Open(".")
	if err != nil {
		return nil
	}
	defer f.Close()
	ents, _ := f.ReadDir(-1)
	return ents
}
