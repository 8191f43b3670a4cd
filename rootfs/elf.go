package rootfs

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"strings"
)

// elfObject is what the dynamic loader reads from one ELF file to find the
// files it needs next. Only the dynamic section and program headers are
// read: the loader never looks at anything else.
type elfObject struct {
	path    string // the path the loader opens it by (symlinks not resolved: $ORIGIN uses it)
	loader  *elfObject
	class   elf.Class
	data    elf.Data
	machine elf.Machine
	interp  string // PT_INTERP; "" for shared objects
	soname  string
	needed  []string
	rpath   []string // DT_RPATH, consulted only when the object has no DT_RUNPATH
	runpath []string // DT_RUNPATH
	hasRun  bool
}

// readELF parses path as an ELF object. loader is the object whose request
// loaded it (nil for the executable and for modules dlopen'ed by it), which
// the DT_RPATH search walks up.
func readELF(path string, loader *elfObject) (*elfObject, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rootfs: read ELF %s: %w", path, err)
	}
	defer f.Close()
	o := &elfObject{path: path, loader: loader, class: f.Class, data: f.Data, machine: f.Machine}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return nil, fmt.Errorf("rootfs: read PT_INTERP of %s: %w", path, err)
		}
		o.interp = string(bytes.TrimRight(b, "\x00"))
	}
	// DynString returns nil, nil for a static binary, which then needs nothing.
	if o.needed, err = f.DynString(elf.DT_NEEDED); err != nil {
		return nil, fmt.Errorf("rootfs: read DT_NEEDED of %s: %w", path, err)
	}
	if s, _ := f.DynString(elf.DT_SONAME); len(s) > 0 {
		o.soname = s[0]
	}
	rpath, _ := f.DynString(elf.DT_RPATH)
	runpath, _ := f.DynString(elf.DT_RUNPATH)
	o.rpath = splitPathList(rpath)
	o.runpath = splitPathList(runpath)
	o.hasRun = len(runpath) > 0
	return o, nil
}

// compatible reports whether the loader of exe would accept lib: ld.so skips
// a candidate of the wrong class or machine and keeps searching (e.g. an
// i386 library in a directory listed in ld.so.conf).
func (exe *elfObject) compatible(lib *elfObject) bool {
	return exe.class == lib.class && exe.data == lib.data && exe.machine == lib.machine
}

func splitPathList(values []string) []string {
	var dirs []string
	for _, v := range values {
		for _, d := range strings.Split(v, ":") {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// isELF reports whether path starts with the ELF magic. It tells an
// interpreter binary from a shim script without trusting the file name.
func isELF(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return false, nil
	}
	return string(magic[:]) == elf.ELFMAG, nil
}
