package seccomp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Build compiles p into a classic BPF program for the native architecture:
// the raw struct sock_filter array that Load installs. It runs in the
// parent, once; this is the package's only use of cgo (libseccomp).
//
// The program checks the architecture first: a call of another one (i386
// through int 0x80) and every x32 number (nr & 0x40000000) get the
// bad-architecture action before any rule is looked at. That action is
// SECCOMP_RET_USER_NOTIF, so the parent can name the call, or, where
// libseccomp or the kernel refuse it, SECCOMP_RET_KILL_PROCESS.
func Build(p *Policy) ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	filter, err := libseccomp.NewFilter(libseccomp.ActNotify)
	if err != nil {
		return nil, fmt.Errorf("seccomp: new filter (libseccomp %s): %w", libraryVersion(), err)
	}
	defer filter.Release()

	if err := filter.SetBadArchAction(libseccomp.ActNotify); err != nil {
		if err := filter.SetBadArchAction(libseccomp.ActKillProcess); err != nil {
			return nil, fmt.Errorf("seccomp: bad-arch action: %w", err)
		}
	}
	// A binary tree of syscall numbers instead of a linear scan: CPython
	// makes thousands of calls, each walks the filter. Speed only, so a
	// libseccomp without it is fine.
	_ = filter.SetOptimize(2)

	for _, r := range p.Allow {
		if err := addAllow(filter, r); err != nil {
			return nil, err
		}
	}
	for _, r := range p.Errno {
		if err := addErrno(filter, r.Name, r.Errno); err != nil {
			return nil, err
		}
	}
	for _, r := range p.NoOp {
		if err := addErrno(filter, r.Name, 0); err != nil {
			return nil, err
		}
	}
	return export(filter)
}

// addErrno makes the filter answer name with -errno without running it:
// SECCOMP_RET_ERRNO, whose data 0 the kernel returns as plain success.
func addErrno(filter *libseccomp.ScmpFilter, name string, errno unix.Errno) error {
	nr, err := resolve(name)
	if err != nil {
		return err
	}
	if err := filter.AddRule(nr, libseccomp.ActErrno.SetReturnCode(int16(errno))); err != nil {
		answer := "success"
		if errno != 0 {
			answer = unix.ErrnoName(errno)
		}
		return fmt.Errorf("seccomp: %s → %s: %w", name, answer, err)
	}
	return nil
}

// addAllow adds one Allow rule: unconditional, or one conditional rule per
// allowed value (libseccomp ORs the rules of one call).
func addAllow(filter *libseccomp.ScmpFilter, r Rule) error {
	nr, err := resolve(r.Name)
	if err != nil {
		return err
	}
	if r.Arg == nil {
		if err := filter.AddRule(nr, libseccomp.ActAllow); err != nil {
			return fmt.Errorf("seccomp: allow %s: %w", r.Name, err)
		}
		return nil
	}
	for _, v := range r.Arg.Values {
		cond, err := libseccomp.MakeCondition(r.Arg.Index, libseccomp.CompareMaskedEqual, r.Arg.Mask, v)
		if err != nil {
			return fmt.Errorf("seccomp: allow %s(arg%d&%#x == %#x): %w", r.Name, r.Arg.Index, r.Arg.Mask, v, err)
		}
		if err := filter.AddRuleConditional(nr, libseccomp.ActAllow, []libseccomp.ScmpCondition{cond}); err != nil {
			return fmt.Errorf("seccomp: allow %s(arg%d&%#x == %#x): %w", r.Name, r.Arg.Index, r.Arg.Mask, v, err)
		}
	}
	return nil
}

// resolve turns a name into the native number. A name known only on other
// architectures resolves to a negative pseudo number, which libseccomp
// leaves out of a native filter; an unknown name is a typo.
func resolve(name string) (libseccomp.ScmpSyscall, error) {
	nr, err := libseccomp.GetSyscallFromName(name)
	if err != nil {
		return 0, fmt.Errorf("seccomp: unknown syscall %q (libseccomp %s)", name, libraryVersion())
	}
	return nr, nil
}

// export returns the program as raw bytes. seccomp_export_bpf_mem needs
// libseccomp >= 2.6 (Debian 12 has 2.5.4); older ones write it to an fd,
// here a memfd, so nothing touches the disk.
func export(filter *libseccomp.ScmpFilter) ([]byte, error) {
	prog, err := filter.ExportBPFMem()
	if err == nil {
		return checkProgram(prog)
	}
	fd, err := unix.MemfdCreate("jailpy-seccomp", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("seccomp: export: memfd: %w", err)
	}
	f := os.NewFile(uintptr(fd), "jailpy-seccomp")
	defer f.Close()
	if err := filter.ExportBPF(f); err != nil {
		return nil, fmt.Errorf("seccomp: export: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seccomp: export: %w", err)
	}
	prog, err = io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("seccomp: export: %w", err)
	}
	return checkProgram(prog)
}

// checkProgram refuses what the kernel would: an empty program, a partial
// instruction, more than BPF_MAXINSNS instructions.
func checkProgram(prog []byte) ([]byte, error) {
	switch {
	case len(prog) == 0:
		return nil, errors.New("seccomp: empty BPF program")
	case len(prog)%sockFilterSize != 0:
		return nil, fmt.Errorf("seccomp: BPF program of %d bytes is not whole instructions", len(prog))
	case len(prog)/sockFilterSize > bpfMaxInsns:
		return nil, fmt.Errorf("seccomp: BPF program of %d instructions exceeds %d", len(prog)/sockFilterSize, bpfMaxInsns)
	}
	return prog, nil
}

func libraryVersion() string {
	major, minor, micro := libseccomp.GetLibraryVersion()
	return fmt.Sprintf("%d.%d.%d", major, minor, micro)
}

// Key identifies what Build would make of p: the policy itself and the
// libseccomp that compiles it. Two equal keys give the same program, so
// a program can be cached under its key.
func Key(p *Policy) string {
	rules, err := json.Marshal(p) // follows the rules' pointers, unlike %#v
	if err != nil {
		return "" // never a cache key: nothing is cached under ""
	}
	return fmt.Sprintf("libseccomp %s %s; %s", libraryVersion(), runtime.GOARCH, rules)
}
