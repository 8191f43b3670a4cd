//go:build linux

package seccomp

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The test binary re-executes itself as a filtered child, like jailpy's
// init: TestMain sees childEnv and runs childMain instead of the tests.
const (
	childEnv     = "JAILPY_SECCOMP_TEST_CHILD" // the probe to run
	childArgvEnv = "JAILPY_SECCOMP_TEST_ARGV"  // JSON argv for the exec probe
	childEnvEnv  = "JAILPY_SECCOMP_TEST_ENV"   // JSON environment for it
	childSockFD  = 3                           // SOCK_SEQPACKET to the test: the listener goes here
	childProgFD  = 4                           // the BPF program, built by the test
)

func TestMain(m *testing.M) {
	if probe := os.Getenv(childEnv); probe != "" {
		os.Exit(childMain(probe))
	}
	os.Exit(m.Run())
}

// childMain does what the jail's init does around the filter, then one
// probe, and prints "result=<errno name or ok>" for the test to read.
func childMain(probe string) int {
	// Only this thread is filtered; every probe below must run on it.
	runtime.LockOSThread()

	fail := func(stage string, err error) int {
		fmt.Fprintf(os.Stderr, "child: %s: %v\n", stage, err)
		return 2
	}
	prog, err := io.ReadAll(os.NewFile(childProgFD, "prog"))
	if err != nil {
		return fail("read program", err)
	}
	var argv, env []string
	if s := os.Getenv(childArgvEnv); s != "" {
		if err := json.Unmarshal([]byte(s), &argv); err != nil {
			return fail("argv", err)
		}
	}
	if s := os.Getenv(childEnvEnv); s != "" {
		if err := json.Unmarshal([]byte(s), &env); err != nil {
			return fail("env", err)
		}
	}
	// A pipe for the ioctl probes, made before the filter (pipe2 is not
	// on the list).
	var pipe [2]int
	if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
		return fail("pipe", err)
	}

	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fail("no_new_privs", err)
	}
	listener, err := Load(prog)
	if err != nil {
		return fail("load", err)
	}
	if err := unix.Sendmsg(childSockFD, []byte{'L'}, unix.UnixRights(listener), nil, 0); err != nil {
		return fail("send listener", err)
	}
	unix.Close(listener)

	fmt.Printf("result=%s\n", runProbe(probe, pipe[0], argv, env))
	return 0
}

// runProbe makes the probe's one interesting call on the filtered thread.
func runProbe(probe string, pipeFD int, argv, env []string) string {
	var termios unix.Termios
	var c byte = 'x'
	ioctl := func(req uint64, arg unsafe.Pointer) string {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(pipeFD), uintptr(req), uintptr(arg))
		return errnoResult(e)
	}
	fcntl := func(cmd, arg uint64) string {
		_, _, e := unix.Syscall(unix.SYS_FCNTL, uintptr(pipeFD), uintptr(cmd), uintptr(arg))
		return errnoResult(e)
	}
	switch probe {
	case "getpid":
		_, _, e := unix.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
		return errnoResult(e)
	case "socket":
		_, _, e := unix.RawSyscall(unix.SYS_SOCKET, unix.AF_UNIX, unix.SOCK_STREAM, 0)
		return errnoResult(e)
	case "clone3":
		_, _, e := unix.RawSyscall(unix.SYS_CLONE3, 0, 0, 0)
		return errnoResult(e)
	case "fork":
		// A bare fork: clone(SIGCHLD). Should the test ever let it run,
		// the copy exits at once rather than run Go on a cloned runtime.
		r, _, e := unix.RawSyscall6(unix.SYS_CLONE, uintptr(unix.SIGCHLD), 0, 0, 0, 0, 0)
		if e == 0 && r == 0 {
			unix.RawSyscall(unix.SYS_EXIT_GROUP, 99, 0, 0)
		}
		return errnoResult(e)
	case "ioctl-tcgets":
		return ioctl(unix.TCGETS, unsafe.Pointer(&termios))
	case "ioctl-tcgets-hi":
		return ioctl(unix.TCGETS|1<<32, unsafe.Pointer(&termios))
	case "ioctl-tiocsti":
		return ioctl(unix.TIOCSTI, unsafe.Pointer(&c))
	case "ioctl-tiocsti-hi":
		return ioctl(unix.TIOCSTI|1<<32, unsafe.Pointer(&c))
	case "fsync-pipe": // EINVAL if it ran: pipes cannot be synced
		_, _, e := unix.Syscall(unix.SYS_FSYNC, uintptr(pipeFD), 0, 0)
		return errnoResult(e)
	case "fdatasync-pipe":
		_, _, e := unix.Syscall(unix.SYS_FDATASYNC, uintptr(pipeFD), 0, 0)
		return errnoResult(e)
	case "msync-unaligned": // EINVAL if it ran
		_, _, e := unix.Syscall(unix.SYS_MSYNC, 1, 4096, unix.MS_SYNC)
		return errnoResult(e)
	case "sync":
		_, _, e := unix.Syscall(unix.SYS_SYNC, 0, 0, 0)
		return errnoResult(e)
	case "sysinfo":
		var info unix.Sysinfo_t
		_, _, e := unix.Syscall(unix.SYS_SYSINFO, uintptr(unsafe.Pointer(&info)), 0, 0)
		return errnoResult(e)
	case "fcntl-getfd":
		return fcntl(unix.F_GETFD, 0)
	case "fcntl-getfd-hi":
		return fcntl(unix.F_GETFD|1<<32, 0)
	case "fcntl-setlease":
		return fcntl(unix.F_SETLEASE, unix.F_RDLCK)
	case "fcntl-setown":
		return fcntl(unix.F_SETOWN, uint64(os.Getpid()))
	case "fcntl-setpipe-sz":
		return fcntl(unix.F_SETPIPE_SZ, 1<<20)
	case "x32-getpid":
		_, _, e := unix.RawSyscall(x32Bit|unix.SYS_GETPID, 0, 0, 0)
		return errnoResult(e)
	case "exec":
		return errnoResult(unix.Exec(argv[0], argv, env))
	case "wait":
		// Holds the filter until the test closes its end of the socket.
		var b [1]byte
		_, err := unix.Read(childSockFD, b[:])
		return errnoResult(err)
	}
	return "unknown probe " + probe
}

func errnoResult(err error) string {
	switch e := err.(type) {
	case nil:
		return "ok"
	case unix.Errno:
		if e == 0 {
			return "ok"
		}
		return unix.ErrnoName(e)
	default:
		return err.Error()
	}
}
