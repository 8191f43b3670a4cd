package seccomp

import "errors"

// Event is one notification: a call the filter did not allow outright,
// held in the kernel until the Listener answers it.
type Event struct {
	ID   uint64    // notification id, for Allow/Deny
	PID  int       // pid of the calling thread as the listener sees it
	Nr   int32     // syscall number, in the table of Arch
	Arch uint32    // AUDIT_ARCH_* of the call
	Name string    // the call's name: SyscallName(Nr), prefixed for a foreign Arch ("i386:")
	Args [6]uint64 // raw arguments; pointers point into the caller's memory
}

// ErrDone is returned by Next when no notification can come any more:
// every task behind the filter is gone, or Close was called.
var ErrDone = errors.New("seccomp: listener done")
