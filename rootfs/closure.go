package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// closure walks DT_NEEDED from a set of objects, adding what it finds to
// the tree.
type closure struct {
	search  *libSearch
	tree    *tree
	loaded  map[string]bool // names and sonames already resolved: ld.so reuses them
	envDirs []string
	missing []string
	inputs  []string
	narrow  *narrowing // nil for the full plan
	sysDirs []string   // the real paths of sys.path's directories
}

// addSysPath binds every existing sys.path entry (the stdlib zip, the
// stdlib, lib-dynload), masks a site-packages inside the stdlib, and
// returns the extension modules found directly in those directories.
func (c *closure) addSysPath(f *pythonFacts) ([]*elfObject, error) {
	paths := slices.Clone(f.Path)
	if !slices.Contains(paths, f.Stdlib) {
		paths = append(paths, f.Stdlib)
	}
	var modules []*elfObject
	for _, sp := range paths {
		if !filepath.IsAbs(sp) {
			continue
		}
		// An absent entry (usually pythonXY.zip) is stamped too: creating
		// it later changes what Python imports. A directory's stamp also
		// covers the extension modules in it (installed by rename, which
		// moves its mtime); stamping each module would double the cost
		// of a cache hit.
		c.inputs = append(c.inputs, sp)
		fi, err := os.Stat(sp)
		if err != nil {
			continue
		}
		if c.narrow != nil && !fi.IsDir() {
			// A stdlib zip would bring every module in it; the narrowed
			// copy holds the ones wanted, from the directories.
			continue
		}
		real, fi, err := c.tree.add(sp)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			continue
		}
		c.sysDirs = append(c.sysDirs, real)
		ents, err := os.ReadDir(real)
		if err != nil {
			return nil, fmt.Errorf("rootfs: plan: read %s: %w", real, err)
		}
		for _, de := range ents {
			if !de.Type().IsRegular() || !strings.HasSuffix(de.Name(), ".so") {
				continue
			}
			path := filepath.Join(real, de.Name())
			if c.narrow != nil && !c.narrow.keeps(path) {
				continue
			}
			m, err := readELF(path, c.search.exe)
			if err != nil || !c.search.exe.compatible(m) {
				continue
			}
			modules = append(modules, m)
		}
	}
	// With -S nothing imports from site-packages, and what an operator
	// pip-installed there is not the jail's to read.
	stdlib, err := filepath.EvalSymlinks(f.Stdlib)
	if err != nil {
		return nil, fmt.Errorf("rootfs: plan: stdlib %s: %w", f.Stdlib, err)
	}
	if site := filepath.Join(stdlib, "site-packages"); c.tree.entries[stdlib].Kind == Dir {
		if fi, err := os.Lstat(site); err == nil && fi.IsDir() {
			if err := c.tree.put(Entry{Kind: Empty, Path: site}); err != nil {
				return nil, err
			}
		}
	}
	return modules, nil
}

// load resolves the DT_NEEDED closure of root, breadth first like ld.so.
func (c *closure) load(root *elfObject) error {
	queue := []*elfObject{root}
	for len(queue) > 0 {
		o := queue[0]
		queue = queue[1:]
		for _, name := range o.needed {
			if c.loaded[name] {
				continue
			}
			c.loaded[name] = true
			f, ok := c.search.find(name, o)
			if !ok {
				c.missing = append(c.missing, fmt.Sprintf("%s (needed by %s)", name, o.path))
				continue
			}
			if err := c.use(f); err != nil {
				return err
			}
			queue = append(queue, f.obj)
		}
	}
	return nil
}

// use adds one found library to the tree.
func (c *closure) use(f libFound) error {
	if f.obj.soname != "" {
		c.loaded[f.obj.soname] = true
	}
	if _, _, err := c.tree.add(f.obj.path); err != nil {
		return err
	}
	if f.envDir != "" && !slices.Contains(c.envDirs, f.envDir) {
		c.envDirs = append(c.envDirs, f.envDir)
	}
	return nil
}
