package seccomp

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	sockFilterSize = int(unsafe.Sizeof(unix.SockFilter{})) // 8 bytes: code, jt, jf, k
	bpfMaxInsns    = 4096                                  // BPF_MAXINSNS
)

// Load installs prog, a program from Build, on the calling thread and
// returns the notification listener the kernel made for it
// (SECCOMP_FILTER_FLAG_NEW_LISTENER). The fd is close-on-exec: send it to
// the parent, close it, then execve.
//
// Preconditions: no_new_privs is set (or the thread has CAP_SYS_ADMIN);
// the goroutine is locked to its thread, because only this thread is
// filtered (no TSYNC: the runtime's other threads die at execve). It makes
// one raw seccomp(2) call and no cgo call, so it is safe in the jail's
// init right before execve. Threads this thread starts afterwards inherit
// the filter.
func Load(prog []byte) (listenerFD int, err error) {
	if _, err := checkProgram(prog); err != nil {
		return -1, err
	}
	// Decode rather than cast: a []byte need not be aligned for
	// sock_filter, and Build wrote it in this machine's byte order.
	insns := make([]unix.SockFilter, len(prog)/sockFilterSize)
	for i := range insns {
		b := prog[i*sockFilterSize:]
		insns[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(b[0:2]),
			Jt:   b[2],
			Jf:   b[3],
			K:    binary.NativeEndian.Uint32(b[4:8]),
		}
	}
	fprog := unix.SockFprog{Len: uint16(len(insns)), Filter: &insns[0]}
	fd, _, errno := unix.Syscall(unix.SYS_SECCOMP,
		unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER,
		uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(insns)
	switch errno {
	case 0:
		return int(fd), nil
	case unix.EACCES:
		return -1, fmt.Errorf("seccomp: load: %w (no_new_privs is not set)", errno)
	case unix.EBUSY:
		return -1, fmt.Errorf("seccomp: load: %w (a filter with a listener is already installed)", errno)
	default:
		return -1, fmt.Errorf("seccomp: load: %w", errno)
	}
}
