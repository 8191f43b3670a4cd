package seccomp

import "errors"

// Event is one notification: a call the filter did not allow outright,
// held in the kernel until the Listener answers it.
//
// A Lost event stands for a notification the kernel made but withdrew
// before the Listener could read it: its thread was killed (another
// thread ended the process) or interrupted by a signal while it waited.
// A thread attempted a call outside the allow-list; which one is unknown:
// Name is "unknown" and the other fields are zero. Treat it as a
// violation once untrusted code may have run; before that (in jailpy,
// before the init's execve was allowed) only the init runs, and a Lost
// event is its own execve, interrupted by a signal and made again. There
// is nothing to answer: Deny does nothing, Allow fails.
type Event struct {
	ID   uint64    // notification id, for Allow/Deny
	PID  int       // pid of the calling thread as the listener sees it
	Nr   int32     // syscall number, in the table of Arch
	Arch uint32    // AUDIT_ARCH_* of the call
	Name string    // the call's name: SyscallName(Nr), prefixed for a foreign Arch ("i386:")
	Args [6]uint64 // raw arguments; pointers point into the caller's memory
	Lost bool      // the calling thread was gone before the call could be read
}

// lostEvent is the Event of a withdrawn notification.
var lostEvent = Event{Name: "unknown", Lost: true}

// ErrDone is returned by Next when no notification can come any more:
// every task behind the filter is gone, or Close was called.
var ErrDone = errors.New("seccomp: listener done")
