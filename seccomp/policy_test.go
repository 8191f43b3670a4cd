//go:build linux

package seccomp

import (
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

var (
	defaultProgOnce sync.Once
	defaultProg     []byte
	defaultProgErr  error
)

// defaultProgram is Build(Default()), compiled once per test binary as the
// parent does once per run.
func defaultProgram(t *testing.T) []byte {
	t.Helper()
	defaultProgOnce.Do(func() { defaultProg, defaultProgErr = Build(Default()) })
	if defaultProgErr != nil {
		t.Fatalf("Build(Default()): %v", defaultProgErr)
	}
	return defaultProg
}

func TestBuildDefault(t *testing.T) {
	prog := defaultProgram(t)
	if len(prog) == 0 || len(prog)%8 != 0 {
		t.Fatalf("program of %d bytes: want a non-empty multiple of 8", len(prog))
	}
	if n := len(prog) / 8; n > 4096 {
		t.Fatalf("program of %d instructions exceeds BPF_MAXINSNS", n)
	}
	t.Logf("Default: %d allowed calls, %d errno rules, %d no-op rules, %d BPF instructions",
		len(Default().Allow), len(Default().Errno), len(Default().NoOp), len(prog)/8)
}

func TestDefaultNames(t *testing.T) {
	p := Default()
	allowed := map[string]Rule{}
	for _, r := range p.Allow {
		allowed[r.Name] = r
		if strings.TrimSpace(r.Why) == "" {
			t.Errorf("%s: rule without a why", r.Name)
		}
	}
	for _, name := range []string{"read", "write", "openat", "mmap", "munmap", "mremap", "brk",
		"madvise", "futex", "clone", "ioctl", "fcntl", "rt_sigreturn", "getrandom",
		"clock_nanosleep", "sendmsg", "close"} {
		if _, ok := allowed[name]; !ok {
			t.Errorf("Default does not allow %s", name)
		}
	}
	for _, name := range []string{"clone", "ioctl", "fcntl", "prlimit64"} {
		if allowed[name].Arg == nil {
			t.Errorf("%s must be allowed only for some arguments", name)
		}
	}
	listed := maps.Clone(allowed)
	for _, r := range p.NoOp {
		listed[r.Name] = Rule{}
		if strings.TrimSpace(r.Why) == "" {
			t.Errorf("%s: no-op rule without a why", r.Name)
		}
	}
	for _, r := range p.Errno {
		listed[r.Name] = Rule{}
	}
	for _, name := range []string{"execve", "execveat", "fork", "vfork", "clone3",
		"socket", "socketpair", "connect", "bind", "mount", "umount2", "pivot_root", "chroot",
		"unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "userfaultfd",
		"io_uring_setup", "io_uring_enter", "io_uring_register", "perf_event_open",
		"ptrace", "process_vm_readv", "process_vm_writev", "personality", "kexec_load",
		"kexec_file_load", "init_module", "finit_module", "delete_module", "prctl",
		"seccomp", "open_by_handle_at", "name_to_handle_at", "fsopen", "fsmount",
		"move_mount", "open_tree", "modify_ldt", "iopl", "ioperm", "swapon", "reboot",
		"syslog", "kill", "pidfd_open", "pidfd_getfd", "memfd_secret", "mseal",
		"syncfs", "sync_file_range", "fsync", "fdatasync", "sync", "msync", "sysinfo"} {
		if _, ok := allowed[name]; ok {
			t.Errorf("Default allows %s", name)
		}
	}
	for _, name := range checkpoints {
		if _, ok := listed[name]; ok {
			t.Errorf("Default lists the checkpoint %s", name)
		}
	}
	var errnos []string
	for _, r := range p.Errno {
		errnos = append(errnos, r.Name+"→"+unix.ErrnoName(r.Errno))
	}
	if want := []string{"clone3→ENOSYS", "sysinfo→ENOSYS"}; !slices.Equal(errnos, want) {
		t.Errorf("Errno rules %q, want %q", errnos, want)
	}
	var noops []string
	for _, r := range p.NoOp {
		noops = append(noops, r.Name)
	}
	if want := []string{"fsync", "fdatasync", "msync", "sync"}; !slices.Equal(noops, want) {
		t.Errorf("NoOp rules %q, want %q", noops, want)
	}
}

func TestBuildRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *Policy
		want string
	}{
		{"nil", nil, "nil policy"},
		{"typo", &Policy{Allow: []Rule{{Name: "getpidd"}}}, `unknown syscall "getpidd"`},
		{"twice", &Policy{Allow: []Rule{{Name: "read"}}, Errno: []ErrnoRule{{Name: "read", Errno: unix.EPERM}}}, "listed twice"},
		{"errno 0", &Policy{Errno: []ErrnoRule{{Name: "clone3"}}}, "list it in NoOp"},
		{"no-op twice", &Policy{Allow: []Rule{{Name: "fsync"}}, NoOp: []NoOpRule{{Name: "fsync"}}}, "listed twice"},
		{"no-op typo", &Policy{NoOp: []NoOpRule{{Name: "fsyncc"}}}, `unknown syscall "fsyncc"`},
		{"allow exit_group", &Policy{Allow: []Rule{{Name: "exit_group"}}}, "exit_group is a checkpoint"},
		{"no-op exit", &Policy{NoOp: []NoOpRule{{Name: "exit"}}}, "exit is a checkpoint"},
		{"mask 0", &Policy{Allow: []Rule{{Name: "ioctl", Arg: &ArgMatch{Index: 1, Values: []uint64{0}}}}}, "mask 0"},
		{"outside mask", &Policy{Allow: []Rule{{Name: "ioctl", Arg: &ArgMatch{Index: 1, Mask: 0xff, Values: []uint64{0x100}}}}}, "never match"},
		{"index", &Policy{Allow: []Rule{{Name: "ioctl", Arg: &ArgMatch{Index: 6, Mask: 1, Values: []uint64{1}}}}}, "index 6"},
	} {
		_, err := Build(tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Build error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// Kernel return values of a seccomp filter.
const (
	retAllow  = unix.SECCOMP_RET_ALLOW
	retNotify = unix.SECCOMP_RET_USER_NOTIF
	retNoOp   = unix.SECCOMP_RET_ERRNO // data 0: success without running
)

// TestProgramDecisions runs the Default program in a small BPF interpreter
// for cases a real process cannot easily make (i386 calls) and for the
// argument checks, bit by bit.
func TestProgramDecisions(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("needs x86_64: the cases use x86_64 syscall numbers")
	}
	prog := defaultProgram(t)
	const (
		glibcThread = 0x3d0f00 // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
		goThread    = 0x50f00  // CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD
	)
	native := func(nr int, args ...uint64) seccompData {
		d := seccompData{nr: int32(nr), arch: unix.AUDIT_ARCH_X86_64}
		copy(d.args[:], args)
		return d
	}
	for _, tc := range []struct {
		name string
		d    seccompData
		want uint32
	}{
		{"getpid", native(unix.SYS_GETPID), retAllow},
		{"socket", native(unix.SYS_SOCKET, unix.AF_UNIX, unix.SOCK_STREAM), retNotify},
		{"execve", native(unix.SYS_EXECVE), retNotify},
		{"clone3", native(unix.SYS_CLONE3), unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
		{"clone glibc thread", native(unix.SYS_CLONE, glibcThread), retAllow},
		{"clone go thread", native(unix.SYS_CLONE, goThread), retAllow},
		{"clone thread, high bits ignored by the kernel", native(unix.SYS_CLONE, goThread|1<<40), retAllow},
		{"clone fork", native(unix.SYS_CLONE, uint64(unix.SIGCHLD)), retNotify},
		{"clone vfork", native(unix.SYS_CLONE, unix.CLONE_VM|unix.CLONE_VFORK|uint64(unix.SIGCHLD)), retNotify},
		{"clone thread without CLONE_SIGHAND", native(unix.SYS_CLONE, goThread&^unix.CLONE_SIGHAND), retNotify},
		{"clone thread + CLONE_NEWUSER", native(unix.SYS_CLONE, goThread|unix.CLONE_NEWUSER), retNotify},
		{"clone thread + CLONE_NEWNS", native(unix.SYS_CLONE, goThread|unix.CLONE_NEWNS), retNotify},
		{"clone thread + CLONE_NEWNET", native(unix.SYS_CLONE, goThread|unix.CLONE_NEWNET), retNotify},
		{"ioctl TCGETS", native(unix.SYS_IOCTL, 0, unix.TCGETS), retAllow},
		{"ioctl TCGETS|1<<32", native(unix.SYS_IOCTL, 0, unix.TCGETS|1<<32), retAllow},
		{"ioctl FIOCLEX", native(unix.SYS_IOCTL, 0, ioctlFIOCLEX), retAllow},
		{"ioctl TIOCSTI", native(unix.SYS_IOCTL, 0, unix.TIOCSTI), retNotify},
		{"ioctl TIOCSTI|1<<32", native(unix.SYS_IOCTL, 0, unix.TIOCSTI|1<<32), retNotify},
		{"ioctl TIOCSETD", native(unix.SYS_IOCTL, 0, unix.TIOCSETD), retNotify},
		{"fsync: success, not run", native(unix.SYS_FSYNC, 3), retNoOp},
		{"fdatasync: success, not run", native(unix.SYS_FDATASYNC, 3), retNoOp},
		{"msync: success, not run", native(unix.SYS_MSYNC, 0x1000, 0x1000, unix.MS_SYNC), retNoOp},
		{"sync: success, not run", native(unix.SYS_SYNC), retNoOp},
		{"syncfs", native(unix.SYS_SYNCFS, 3), retNotify},
		{"sync_file_range", native(unix.SYS_SYNC_FILE_RANGE, 3, 0, 0, 0), retNotify},
		{"sysinfo", native(unix.SYS_SYSINFO), unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
		{"exit: checkpoint", native(unix.SYS_EXIT, 0), retNotify},
		{"exit_group: checkpoint", native(unix.SYS_EXIT_GROUP, 0), retNotify},
		{"fcntl F_GETFD", native(unix.SYS_FCNTL, 0, unix.F_GETFD), retAllow},
		{"fcntl F_GETFD|1<<32", native(unix.SYS_FCNTL, 0, unix.F_GETFD|1<<32), retAllow},
		{"fcntl F_DUPFD", native(unix.SYS_FCNTL, 0, unix.F_DUPFD), retAllow},
		{"fcntl F_DUPFD_CLOEXEC", native(unix.SYS_FCNTL, 0, unix.F_DUPFD_CLOEXEC), retAllow},
		{"fcntl F_SETFL", native(unix.SYS_FCNTL, 0, unix.F_SETFL, unix.O_NONBLOCK), retAllow},
		{"fcntl F_GETLK", native(unix.SYS_FCNTL, 0, unix.F_GETLK), retAllow},
		{"fcntl F_SETLK", native(unix.SYS_FCNTL, 0, unix.F_SETLK), retAllow},
		{"fcntl F_SETLKW", native(unix.SYS_FCNTL, 0, unix.F_SETLKW), retAllow},
		{"fcntl F_OFD_SETLKW", native(unix.SYS_FCNTL, 0, unix.F_OFD_SETLKW), retAllow},
		{"fcntl F_SETLEASE", native(unix.SYS_FCNTL, 0, unix.F_SETLEASE, unix.F_RDLCK), retNotify},
		{"fcntl F_SETLEASE|1<<32", native(unix.SYS_FCNTL, 0, unix.F_SETLEASE|1<<32), retNotify},
		{"fcntl F_NOTIFY", native(unix.SYS_FCNTL, 0, unix.F_NOTIFY), retNotify},
		{"fcntl F_SETOWN", native(unix.SYS_FCNTL, 0, unix.F_SETOWN, 1), retNotify},
		{"fcntl F_SETOWN_EX", native(unix.SYS_FCNTL, 0, unix.F_SETOWN_EX), retNotify},
		{"fcntl F_SETSIG", native(unix.SYS_FCNTL, 0, unix.F_SETSIG, 9), retNotify},
		{"fcntl F_SETPIPE_SZ", native(unix.SYS_FCNTL, 0, unix.F_SETPIPE_SZ, 1<<20), retNotify},
		{"fcntl F_GETPIPE_SZ", native(unix.SYS_FCNTL, 0, unix.F_GETPIPE_SZ), retNotify},
		{"fcntl F_ADD_SEALS", native(unix.SYS_FCNTL, 0, unix.F_ADD_SEALS), retNotify},
		{"fcntl 0x101: only the listed commands", native(unix.SYS_FCNTL, 0, unix.F_GETFD|0x100), retNotify},
		{"prlimit64 self", native(unix.SYS_PRLIMIT64, 0, unix.RLIMIT_STACK), retAllow},
		{"prlimit64 other pid", native(unix.SYS_PRLIMIT64, 1, unix.RLIMIT_STACK), retNotify},
		{"prlimit64 pid 1<<32", native(unix.SYS_PRLIMIT64, 1<<32, unix.RLIMIT_STACK), retNotify},
		{"x32 getpid", native(x32Bit | unix.SYS_GETPID), retNotify},
		{"x32 read", native(x32Bit | unix.SYS_READ), retNotify},
		{"nr -1", native(-1), retNotify},
		{"unknown nr", native(1000), retNotify},
		{"i386 getpid", seccompData{nr: 20, arch: unix.AUDIT_ARCH_I386}, retNotify},
		{"i386 socketcall", seccompData{nr: 102, arch: unix.AUDIT_ARCH_I386}, retNotify},
		{"aarch64 getpid", seccompData{nr: 172, arch: unix.AUDIT_ARCH_AARCH64}, retNotify},
	} {
		got, err := runBPF(prog, tc.d)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: action %#x, want %#x", tc.name, got, tc.want)
		}
	}

	// Every unconditional rule allows its call whatever the arguments.
	for _, r := range Default().Allow {
		if r.Arg != nil {
			continue
		}
		nr, err := resolve(r.Name)
		if err != nil || nr < 0 {
			t.Errorf("%s: no native number (%v)", r.Name, err)
			continue
		}
		got, err := runBPF(prog, native(int(nr), ^uint64(0), ^uint64(0), ^uint64(0)))
		if err != nil || got != retAllow {
			t.Errorf("%s: action %#x (%v), want allow", r.Name, got, err)
		}
	}
}

func TestSyscallName(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("needs x86_64: the cases use x86_64 syscall numbers")
	}
	for _, tc := range []struct {
		nr   int32
		want string
	}{
		{unix.SYS_SOCKET, "socket"},
		{unix.SYS_EXECVE, "execve"},
		{unix.SYS_CLONE3, "clone3"},
		{unix.SYS_MSEAL, "mseal"},
		{x32Bit | unix.SYS_GETPID, "x32:getpid"},
		{x32Bit | 520, "x32:execve"},
		{x32Bit | 9999, "x32:syscall_9999"},
		{99999, "syscall_99999"},
		{-1, "syscall_-1"},
	} {
		if got := SyscallName(tc.nr); got != tc.want {
			t.Errorf("SyscallName(%#x) = %q, want %q", tc.nr, got, tc.want)
		}
	}
	if got := eventName(unix.AUDIT_ARCH_I386, 102); got != "i386:socketcall" {
		t.Errorf("eventName(i386, 102) = %q, want i386:socketcall", got)
	}
	if got := eventName(unix.AUDIT_ARCH_X86_64, unix.SYS_SOCKET); got != "socket" {
		t.Errorf("eventName(x86_64, socket) = %q", got)
	}
}
