package rootfs

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// maxSymlinks matches the kernel's limit (MAXSYMLINKS) on links followed
// in one lookup.
const maxSymlinks = 40

// tree collects plan entries by jail path, and the host paths whose state
// the plan was derived from (which the cache stamps).
type tree struct {
	entries map[string]Entry
	inputs  []string
}

func newTree() *tree {
	return &tree{entries: map[string]Entry{}}
}

// add makes host path p reachable at the same path in the jail, the way the
// kernel would look it up: every symlink met on the way (a directory like
// /lib64 -> usr/lib64 or the last component like libz.so.1 ->
// libz.so.1.2.13) becomes a symlink entry, and the file or directory it
// finally names becomes a bind entry at its real path. Binding the real
// path, not the symlink, keeps binds from following links at mount time
// and keeps every entry's parent a plain directory in the jail's tmpfs.
// It returns the real path and what is there.
func (t *tree) add(p string) (string, os.FileInfo, error) {
	if !filepath.IsAbs(p) {
		return "", nil, fmt.Errorf("rootfs: plan path %q is not absolute", p)
	}
	resolved := "/"
	rest := strings.Split(p, "/")
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, c)
		fi, err := os.Lstat(next)
		if err != nil {
			return "", nil, fmt.Errorf("rootfs: plan %s: %w", p, err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			if links++; links > maxSymlinks {
				return "", nil, fmt.Errorf("rootfs: plan %s: %w", p, syscall.ELOOP)
			}
			target, err := os.Readlink(next)
			if err != nil {
				return "", nil, fmt.Errorf("rootfs: plan %s: %w", p, err)
			}
			if err := t.put(Entry{Kind: Symlink, Path: next, Target: target}); err != nil {
				return "", nil, err
			}
			if filepath.IsAbs(target) {
				resolved = "/"
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		}
		if !fi.IsDir() && moreComponents(rest) {
			return "", nil, fmt.Errorf("rootfs: plan %s: %s: %w", p, next, syscall.ENOTDIR)
		}
		resolved = next
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return "", nil, fmt.Errorf("rootfs: plan %s: %w", p, err)
	}
	var kind Kind
	switch {
	case fi.Mode().IsRegular():
		kind = File
	case fi.IsDir():
		kind = Dir
	default:
		return "", nil, fmt.Errorf("rootfs: plan %s: %s is neither a regular file nor a directory", p, resolved)
	}
	if resolved == "/" {
		return "", nil, fmt.Errorf("rootfs: plan %s: refusing to bind the host root", p)
	}
	return resolved, fi, t.put(Entry{Kind: kind, Path: resolved, Source: resolved})
}

// put records e once; the same jail path asked for twice must mean the
// same thing.
func (t *tree) put(e Entry) error {
	if old, ok := t.entries[e.Path]; ok {
		if old != e {
			return fmt.Errorf("rootfs: plan: %s wanted as %s and as %s", e.Path, old.Kind, e.Kind)
		}
		return nil
	}
	t.entries[e.Path] = e
	// A symlink cannot change in place: replacing or retargeting it
	// changes its directory's mtime, and the directory is one stamp for
	// all the links in it. Bound files are stamped themselves.
	if e.Kind == Symlink {
		t.inputs = append(t.inputs, filepath.Dir(e.Path))
	} else {
		t.inputs = append(t.inputs, e.Path)
	}
	return nil
}

// sorted returns the entries in mount order. Entries inside a bound
// directory are dropped, since the bind already shows them at the same
// path, except Empty masks, which must land on top of it. Sorting by path
// puts every parent before its children.
func (t *tree) sorted() []Entry {
	var dirs []string
	for _, e := range t.entries {
		if e.Kind == Dir {
			dirs = append(dirs, e.Path)
		}
	}
	out := make([]Entry, 0, len(t.entries))
	for _, e := range t.entries {
		if e.Kind == Empty || !under(e.Path, dirs) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Path, b.Path) })
	return out
}

// under reports whether p lies strictly inside one of dirs.
func under(p string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

func moreComponents(rest []string) bool {
	for _, c := range rest {
		if c != "" && c != "." {
			return true
		}
	}
	return false
}
