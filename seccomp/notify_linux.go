package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// seccompNotif is struct seccomp_notif (linux/seccomp.h), 80 bytes.
type seccompNotif struct {
	id    uint64
	pid   uint32
	flags uint32
	nr    int32
	arch  uint32
	ip    uint64
	args  [6]uint64
}

// seccompNotifResp is struct seccomp_notif_resp, 24 bytes.
type seccompNotifResp struct {
	id    uint64
	val   int64
	error int32
	flags uint32
}

// Listener reads and answers the notifications of one filter, in the
// parent. Next may block in one goroutine while Allow, Deny and Close are
// called from others.
type Listener struct {
	fd   int // the filter's listener, from Load in the init
	wake int // eventfd: Close makes it readable to end a blocked Next

	mu     sync.Mutex
	users  int  // calls using fd right now
	closed bool // Close was called; the last user closes the fds

	reading sync.Mutex    // held by Next: one reader keeps the ledger true
	ledger  ledger        // ids read so far, to see withdrawn ones
	held    *seccompNotif // read, to return after the Lost event it revealed
	// groupExit: an exit_group has been let run. Every notification
	// before it was accounted for; one withdrawn after it belongs to a
	// thread that group exit killed, whose call never ran: not a loss.
	groupExit bool
}

// NewListener takes ownership of fd, a listener from Load received from
// the init (even on error: it is closed then).
func NewListener(fd int) (*Listener, error) {
	if fd < 0 {
		return nil, fmt.Errorf("seccomp: listener fd %d", fd)
	}
	// The parent starts other children; none should inherit the power to
	// answer for this jail.
	unix.CloseOnExec(fd)
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("seccomp: eventfd: %w", err)
	}
	return &Listener{fd: fd, wake: wake}, nil
}

// Next blocks until a notification arrives and returns it. It returns
// ErrDone once Close was called, or once every task behind the filter is
// gone: the kernel then reports POLLHUP (6.18 does at exit; older kernels
// may wait until the task is reaped, so never make reaping wait for Next).
//
// Every notification is accounted for (see ledger): one the kernel
// withdrew before it could be read comes back as a Lost event. The
// checkpoints exit and exit_group are never returned: Next lets each run
// (CONTINUE) once every notification before it is accounted for, so a
// process cannot end while a denied call of one of its threads goes
// unreported. Hence keep calling Next until ErrDone: every exit of the
// jail waits for it. Call it from one goroutine at a time.
func (l *Listener) Next() (Event, error) {
	if !l.enter() {
		return Event{}, ErrDone
	}
	defer l.leave()
	l.reading.Lock()
	defer l.reading.Unlock()
	for {
		n := l.held
		l.held = nil
		if n == nil {
			var err error
			if n, err = l.receive(); err == errLost {
				if l.groupExit {
					return Event{}, ErrDone // the process is ending
				}
				l.ledger.withdrawn()
				return lostEvent, nil
			} else if err != nil {
				return Event{}, err
			}
			if l.ledger.read(n.id) && !l.groupExit {
				l.held = n
				return lostEvent, nil
			}
		}
		ev := Event{ID: n.id, PID: int(n.pid), Nr: n.nr, Arch: n.arch, Name: eventName(n.arch, n.nr), Args: n.args}
		if !isCheckpoint(n) {
			return ev, nil
		}
		err := l.respond(ev, seccompNotifResp{id: n.id, flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
		if err == ErrDone {
			return Event{}, ErrDone
		}
		if err != nil && !errors.Is(err, unix.ENOENT) { // ENOENT: killed meanwhile
			return Event{}, err
		}
		if n.nr == unix.SYS_EXIT_GROUP {
			l.groupExit = true
		}
	}
}

// errLost is receive's report of a notification withdrawn unread.
var errLost = errors.New("seccomp: notification withdrawn before it was read")

// receive waits until a notification is pending and reads it. It returns
// errLost when poll saw one pending but RECV found none: its thread was
// killed or interrupted by a signal in between.
func (l *Listener) receive() (*seccompNotif, error) {
	for {
		fds := []unix.PollFd{
			{Fd: int32(l.fd), Events: unix.POLLIN},
			{Fd: int32(l.wake), Events: unix.POLLIN},
		}
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return nil, fmt.Errorf("seccomp: poll listener: %w", err)
		}
		if fds[1].Revents != 0 {
			return nil, ErrDone
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 {
				return nil, ErrDone
			}
			return nil, fmt.Errorf("seccomp: poll listener: revents %#x", fds[0].Revents)
		}
		if n, err := l.recv(); err != unix.EINTR {
			return n, err
		}
	}
}

// recv reads the oldest pending notification. Called once poll saw one
// pending, it does not block: the kernel counts the notifications made
// (withdrawn ones included) and only this reader takes from the count.
// Either it reads one, or it finds the count stale: ENOENT, which is also
// what it says at once when every task is gone (kernels >= 6.11). Both
// mean the notification poll saw was withdrawn: errLost.
func (l *Listener) recv() (*seccompNotif, error) {
	n := new(seccompNotif) // must be zero: the kernel checks
	switch err := ioctl(l.fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(n)); err {
	case nil:
		return n, nil
	case unix.EINTR:
		return nil, err
	case unix.ENOENT:
		return nil, errLost
	default:
		return nil, fmt.Errorf("seccomp: receive notification: %w", err)
	}
}

// Allow lets the notified call run as if the filter had allowed it
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Use it only where the decision does
// not depend on memory the caller can change under it: jailpy allows the
// init's first execve, whatever its arguments. An error wrapping
// unix.ENOENT means the caller is no longer waiting (killed, interrupted).
// A Lost event cannot be allowed: there is no call left to run.
func (l *Listener) Allow(ev Event) error {
	if ev.Lost {
		return errors.New("seccomp: allow: the notification was lost, there is no call to run")
	}
	return l.respond(ev, seccompNotifResp{id: ev.ID, flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
}

// Deny fails the notified call with errno without running it. errno must
// not be 0: that would report success for a call that never ran. Denying
// a Lost event does nothing: its call never ran and nobody waits for it.
func (l *Listener) Deny(ev Event, errno unix.Errno) error {
	if errno == 0 {
		return fmt.Errorf("seccomp: deny %s: errno 0", ev.Name)
	}
	if ev.Lost {
		return nil
	}
	return l.respond(ev, seccompNotifResp{id: ev.ID, error: -int32(errno)})
}

func (l *Listener) respond(ev Event, resp seccompNotifResp) error {
	if !l.enter() {
		return ErrDone
	}
	defer l.leave()
	for {
		err := ioctl(l.fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("seccomp: answer %s (pid %d): %w", ev.Name, ev.PID, err)
		}
		return nil
	}
}

// Close ends the listener: a Next blocked now or called later returns
// ErrDone. It never waits for a blocked Next; the fds are closed by
// whichever call leaves last, so no fd number is reused under a call.
// Once no process holds the listener fd any more, calls still waiting
// and calls made later fail with ENOSYS: the kernel's answer when a
// filter has no listener. That includes exit and exit_group, so close
// the listener only once the jail is gone or killed.
func (l *Listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var one [8]byte // an eventfd takes a native-endian uint64
	binary.NativeEndian.PutUint64(one[:], 1)
	if _, err := unix.Write(l.wake, one[:]); err != nil {
		return fmt.Errorf("seccomp: wake listener: %w", err)
	}
	if l.users == 0 {
		l.release()
	}
	return nil
}

// enter registers a call that uses the fds; false once closed.
func (l *Listener) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.users++
	return true
}

func (l *Listener) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.users--
	if l.closed && l.users == 0 {
		l.release()
	}
}

// release closes the fds; l.mu is held.
func (l *Listener) release() {
	unix.Close(l.fd)
	unix.Close(l.wake)
	l.fd, l.wake = -1, -1
}

func ioctl(fd int, req uint, arg unsafe.Pointer) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
	if errno != 0 {
		return errno
	}
	return nil
}
