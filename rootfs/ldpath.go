package rootfs

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// libSearch finds shared libraries the way glibc's ld.so does for one
// executable: DT_RPATH (of the requester and its loaders, unless the
// requester has DT_RUNPATH), DT_RUNPATH, then the directories ld.so.cache is
// built from (/etc/ld.so.conf and its includes, in order), then the loader's
// built-in default directories. LD_LIBRARY_PATH is ignored on purpose: the
// caller's environment must not decide what the jail can read.
type libSearch struct {
	exe      *elfObject
	confDirs []string
	sysDirs  []string // the loader's built-in directories
	sysKnown bool     // sysDirs came from the loader itself, not a guess
	inputs   []string // files and directories read, stamped by the cache
}

// libFound is one resolved library and how the jail's loader will find it.
type libFound struct {
	obj *elfObject
	// envDir is set when only ld.so.cache led to the library and its
	// directory is not a built-in one of the loader (or those are not
	// known): the jail has no ld.so.cache, so the directory must be named
	// in LD_LIBRARY_PATH there.
	envDir string
}

func newLibSearch(exe *elfObject, sysDirs []string, known bool) *libSearch {
	s := &libSearch{exe: exe, sysDirs: sysDirs, sysKnown: known}
	// A directory listed twice is searched once, at its first place.
	for _, d := range s.readConf("/etc/ld.so.conf", 0) {
		if !slices.Contains(s.confDirs, d) {
			s.confDirs = append(s.confDirs, d)
		}
	}
	return s
}

// find resolves one DT_NEEDED name for req. ok is false when no directory
// holds a compatible object; the loader would then refuse to load req.
func (s *libSearch) find(name string, req *elfObject) (libFound, bool) {
	if strings.Contains(name, "/") {
		// A name with a slash is opened as is; only absolute ones are
		// meaningful here, a relative one depends on the cwd of the run.
		if filepath.IsAbs(name) {
			if o := s.try(name, req); o != nil {
				return libFound{obj: o}, true
			}
		}
		return libFound{}, false
	}
	if !req.hasRun {
		// Every chain ends at the executable, so its DT_RPATH, which
		// ld.so also tries last, is covered.
		for l := req; l != nil; l = l.loader {
			if o := s.tryDirs(l.rpath, l, name, req); o != nil {
				return libFound{obj: o}, true
			}
		}
	}
	if o := s.tryDirs(req.runpath, req, name, req); o != nil {
		return libFound{obj: o}, true
	}
	for _, d := range s.confDirs {
		if o := s.try(filepath.Join(d, name), req); o != nil {
			f := libFound{obj: o}
			if !s.sysKnown || !slices.Contains(s.sysDirs, d) {
				f.envDir = d
			}
			return f, true
		}
	}
	for _, d := range s.sysDirs {
		if o := s.try(filepath.Join(d, name), req); o != nil {
			f := libFound{obj: o}
			if !s.sysKnown {
				f.envDir = d
			}
			return f, true
		}
	}
	return libFound{}, false
}

// tryDirs searches an RPATH/RUNPATH list of owner. An object with
// DT_RUNPATH has its DT_RPATH ignored, which the caller handles for req
// and this handles for the loaders up the chain.
func (s *libSearch) tryDirs(dirs []string, owner *elfObject, name string, req *elfObject) *elfObject {
	if owner.hasRun && owner != req {
		return nil
	}
	for _, d := range dirs {
		d, ok := expandOrigin(d, filepath.Dir(owner.path))
		if !ok {
			continue
		}
		if o := s.try(filepath.Join(d, name), req); o != nil {
			return o
		}
	}
	return nil
}

// expandOrigin substitutes $ORIGIN. Other dynamic string tokens ($LIB,
// $PLATFORM) are distribution-specific and relative directories depend on
// the cwd of the run; such entries are skipped rather than guessed.
func expandOrigin(dir, origin string) (string, bool) {
	dir = strings.ReplaceAll(dir, "${ORIGIN}", origin)
	dir = strings.ReplaceAll(dir, "$ORIGIN", origin)
	if strings.Contains(dir, "$") || !filepath.IsAbs(dir) {
		return "", false
	}
	return filepath.Clean(dir), true
}

// try returns the object at path if the loader of req's executable would
// accept it, like open_verify in ld.so.
func (s *libSearch) try(path string, req *elfObject) *elfObject {
	// A library appearing later in a directory searched earlier would
	// change the answer: the directory's stamp catches that.
	if dir := filepath.Dir(path); !slices.Contains(s.inputs, dir) {
		s.inputs = append(s.inputs, dir)
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	o, err := readELF(path, req)
	if err != nil || !s.exe.compatible(o) {
		return nil
	}
	return o
}

// readConf returns the directories listed in an ld.so.conf file, following
// "include" globs (relative to the including file) the way ldconfig does.
func (s *libSearch) readConf(path string, depth int) []string {
	if depth > 8 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	s.inputs = append(s.inputs, path)
	var dirs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0, fields[0] == "hwcap":
		case fields[0] == "include":
			for _, pat := range fields[1:] {
				if !filepath.IsAbs(pat) {
					pat = filepath.Join(filepath.Dir(path), pat)
				}
				// A new file in an included directory changes the plan.
				s.inputs = append(s.inputs, filepath.Dir(pat))
				matches, _ := filepath.Glob(pat)
				for _, m := range matches {
					dirs = append(dirs, s.readConf(m, depth+1)...)
				}
			}
		default:
			// Legacy "dir=TYPE" entries carry a library type after '='.
			d, _, _ := strings.Cut(fields[0], "=")
			if filepath.IsAbs(d) {
				dirs = append(dirs, filepath.Clean(d))
			}
		}
	}
	return dirs
}
