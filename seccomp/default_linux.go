package seccomp

import "golang.org/x/sys/unix"

// ioctl requests x/sys/unix does not name. Values from
// asm-generic/ioctls.h, which x86_64 and arm64 use.
const (
	ioctlFIONBIO  = 0x5421
	ioctlFIONCLEX = 0x5450
	ioctlFIOCLEX  = 0x5451
)

// Clone flags: a thread shares memory, signal handlers and thread group
// with its creator and enters no new namespace. CLONE_NEWTIME is left out:
// clone(2) reads that bit as part of the exit signal, only clone3 and
// unshare see it, and both are refused.
const (
	cloneThread = unix.CLONE_THREAD | unix.CLONE_VM | unix.CLONE_SIGHAND
	cloneNewNS  = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS |
		unix.CLONE_NEWIPC | unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET
)

// low32 is the mask for arguments the kernel truncates to 32 bits.
const low32 = 0xffffffff

// Default is jailpy's policy: what the Go init needs between Load and
// execve, and what CPython 3.11 needs for start-up (dynamic loader
// included) and ordinary stdlib work, as measured with strace -f on
// Debian's python3.11 and a pyenv build (see testdata/tour.py). Everything
// else is notified: no sockets, no fork or exec, no namespaces, mounts,
// keys, bpf, io_uring, ptrace or foreign architectures.
func Default() *Policy {
	return &Policy{
		Allow: []Rule{
			// Memory. MemoryError is an ENOMEM from one of these.
			{Name: "brk", Why: "malloc heap"},
			{Name: "mmap", Why: "malloc, the loader mapping libraries, thread stacks"},
			{Name: "munmap", Why: "free"},
			{Name: "mremap", Why: "realloc of a large block (bytearray growth)"},
			{Name: "mprotect", Why: "the loader's RELRO, thread stack guard pages"},
			{Name: "madvise", Why: "glibc returns freed thread stacks and heap with MADV_DONTNEED"},

			// Start-up of the loader, libc and threads.
			{Name: "arch_prctl", Why: "the loader sets TLS with ARCH_SET_FS; every option affects only the caller"},
			{Name: "set_tid_address", Why: "glibc start-up"},
			{Name: "set_robust_list", Why: "glibc start-up and every new thread"},
			{Name: "rseq", Why: "glibc >= 2.35 registers each thread"},
			{Name: "prlimit64", Arg: &ArgMatch{Index: 0, Mask: ^uint64(0), Values: []uint64{0}},
				Why: "glibc reads RLIMIT_STACK for thread stacks; resource.getrlimit; pid 0 (itself) only"},
			{Name: "getrandom", Why: "hash randomisation, os.urandom, random seeding"},

			// Threads. A thread, not a process: fork and vfork are notified.
			{Name: "clone", Arg: &ArgMatch{Index: 0, Mask: cloneThread | cloneNewNS, Values: []uint64{cloneThread}},
				Why: "pthread_create after clone3's ENOSYS: thread flags set, no CLONE_NEW*"},
			{Name: "futex", Why: "locks, the GIL, thread join"},
			{Name: "sched_yield", Why: "spin locks in glibc and the Go runtime"},
			{Name: "sched_getaffinity", Why: "os.cpu_count in a jail without /sys and /proc (glibc's last resort)"},
			// exit and exit_group are the Listener's checkpoints: never
			// listed, see checkpoints in policy.go.

			// Signals: the process's own handlers, and abort()/raise().
			{Name: "rt_sigaction", Why: "CPython installs its SIGINT/SIGPIPE handlers at start-up"},
			{Name: "rt_sigprocmask", Why: "glibc around thread creation and abort(), the Go runtime"},
			{Name: "rt_sigreturn", Why: "return from any signal handler"},
			{Name: "sigaltstack", Why: "faulthandler.enable(); the Go runtime on a thread it starts"},
			{Name: "restart_syscall", Why: "the kernel resumes an interrupted sleep with it after SIGSTOP/SIGCONT"},
			{Name: "tgkill", Why: "abort(), signal.raise_signal; the Go runtime preempting its threads; the PID namespace bounds it"},

			// Identity and time, read-only.
			{Name: "getpid", Why: "os.getpid, glibc"},
			{Name: "gettid", Why: "glibc, the Go runtime"},
			{Name: "getppid", Why: "os.getppid"},
			{Name: "getuid", Why: "os.getuid"},
			{Name: "geteuid", Why: "os.geteuid; sqlite3 checks for root before creating a file"},
			{Name: "getgid", Why: "os.getgid"},
			{Name: "getegid", Why: "os.getegid"},
			{Name: "uname", Why: "os.uname, platform; shows the jail's hostname"},
			{Name: "clock_gettime", Why: "time.time etc. when the vDSO cannot (some VM clock sources), process CPU clocks"},
			{Name: "clock_getres", Why: "time.get_clock_info"},
			{Name: "gettimeofday", Why: "the vDSO's fallback"},
			{Name: "getrusage", Why: "resource.getrusage (ru_maxrss), of itself or its threads"},
			{Name: "times", Why: "os.times"},
			{Name: "clock_nanosleep", Why: "time.sleep"},
			{Name: "pselect6", Why: "time.sleep in CPython 3.10 and older (select with no fds); it only waits on the caller's own fds"},
			{Name: "nanosleep", Why: "the Go runtime's usleep, should the init's thread start a GC before execve"},

			// Files and descriptors. The mount namespace decides which
			// files exist; these only use them.
			{Name: "openat", Why: "open(): modules, libraries, /tmp"},
			{Name: "open", Why: "CPython 3.13's start-up; openat with AT_FDCWD by another number, the mount namespace decides the same"},
			{Name: "close", Why: "close()"},
			{Name: "read", Why: "read()"},
			{Name: "write", Why: "write(): print, the result fd"},
			{Name: "pread64", Why: "the loader reads ELF headers"},
			{Name: "pwrite64", Why: "sqlite3 writes pages with it; os.pwrite"},
			{Name: "lseek", Why: "io's tell/seek"},
			{Name: "newfstatat", Why: "stat, lstat and fstat in glibc >= 2.33"},
			{Name: "fcntl", Arg: &ArgMatch{Index: 1, Mask: low32, Values: []uint64{
				unix.F_DUPFD,         // fcntl.fcntl(fd, F_DUPFD): dup's twin
				unix.F_DUPFD_CLOEXEC, // os.dup; os.scandir(fd) in shutil.rmtree
				unix.F_GETFD,         // CPython start-up checks fds 0-2; os.get_inheritable
				unix.F_SETFD,         // glibc's fdopendir (os.scandir(fd)); os.set_inheritable's fallback
				unix.F_GETFL,         // glibc's fdopendir; os.get_blocking
				unix.F_SETFL,         // fcntl.fcntl(fd, F_SETFL, O_NONBLOCK), os.set_blocking's fallback
				unix.F_GETLK,         // sqlite3 asks who holds a lock
				unix.F_SETLK,         // sqlite3 locks its database and journal; fcntl.lockf(LOCK_NB)
				unix.F_SETLKW,        // fcntl.lockf blocking
				unix.F_OFD_GETLK,     // fcntl.F_OFD_*: the same locks, owned by the open file
				unix.F_OFD_SETLK,
				unix.F_OFD_SETLKW,
			}}, Why: "descriptor flags and record locks of the caller's own fds; never leases, F_NOTIFY, F_SETOWN/F_SETSIG (signals), F_SETPIPE_SZ"},
			{Name: "dup", Why: "os.dup; CPython 3.8-3.10 dup the standard streams at start-up"},
			{Name: "dup2", Why: "os.dup2(inheritable=True)"},
			{Name: "dup3", Why: "os.dup2(inheritable=False)"},
			{Name: "ioctl", Arg: &ArgMatch{Index: 1, Mask: low32, Values: []uint64{
				unix.TCGETS,     // isatty(), done on every open() by io
				unix.TCGETS2,    // isatty() in newer glibc (termios2)
				unix.TIOCGWINSZ, // os.get_terminal_size, shutil, argparse
				unix.TIOCINQ,    // FIONREAD: bytes waiting on a pipe
				ioctlFIONBIO,    // os.set_blocking
				ioctlFIOCLEX,    // os.set_inheritable(False), CPython's fast path
				ioctlFIONCLEX,   // os.set_inheritable(True)
			}}, Why: "read-only terminal queries and flags of the caller's own fds; never TIOCSTI"},
			{Name: "getdents64", Why: "os.listdir, os.scandir, the import system"},
			{Name: "getcwd", Why: "CPython start-up, os.getcwd"},
			{Name: "chdir", Why: "os.chdir"},
			{Name: "readlink", Why: "CPython start-up resolves sys.executable"},
			{Name: "access", Why: "the loader checks /etc/ld.so.preload; os.access"},
			{Name: "faccessat", Why: "os.access(dir_fd=...)"},
			{Name: "faccessat2", Why: "os.access(effective_ids or follow_symlinks=False)"},
			{Name: "mkdir", Why: "os.mkdir, tempfile.mkdtemp"},
			{Name: "rmdir", Why: "os.rmdir, TemporaryDirectory cleanup"},
			{Name: "unlink", Why: "os.remove, tempfile"},
			{Name: "unlinkat", Why: "shutil.rmtree"},
			{Name: "rename", Why: "os.rename, os.replace"},
			{Name: "renameat", Why: "os.replace(dir_fd=...)"},
			{Name: "ftruncate", Why: "file.truncate"},
			{Name: "fchown", Why: "sqlite3 as uid 0 gives a new file its directory's owner; without CAP_CHOWN only a no-op succeeds"},
			{Name: "sendfile", Why: "shutil.copyfile's fast path between two open files"},
			{Name: "poll", Why: "the selectors module probes poll(0) at import (socket, subprocess, asyncio import it)"},
			{Name: "epoll_create1", Why: "the same probe makes and closes an epoll fd; epoll_ctl/epoll_wait stay notified"},

			// The init's hand-over; no socket can be created in the jail.
			{Name: "sendmsg", Why: "the init sends the listener fd to the parent before execve"},
		},
		Errno: []ErrnoRule{
			{Name: "clone3", Errno: unix.ENOSYS,
				Why: "its flags live in memory the filter cannot read; glibc falls back to clone on ENOSYS"},
			{Name: "sysinfo", Errno: unix.ENOSYS,
				Why: "it shows the host's uptime, load, RAM and process count. glibc's qsort asks it for " +
					"physical memory (get_phys_pages, at CPython start-up) and ignores the error: it then " +
					"sorts with malloc or in place, correct either way"},
		},
		// The jail's only writable file system is tmpfs, whose page cache
		// is the file: a flush there does nothing. On a read-only bind
		// of a host file the same call flushes the host's block device
		// (ext4 checks the superblock, not the mount): tens of thousands
		// of disk flushes a second from a loop of os.fsync.
		NoOp: []NoOpRule{
			{Name: "fsync", Why: "os.fsync"},
			{Name: "fdatasync", Why: "sqlite3 commits, os.fdatasync"},
			{Name: "msync", Why: "mmap.flush: a writable shared mapping in the jail is of tmpfs or anonymous " +
				"memory, whose pages are the file already"},
			{Name: "sync", Why: "os.sync: would flush every file system of the host"},
		},
	}
}
