package seccomp

import (
	"encoding/binary"
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
func (l *Listener) Next() (Event, error) {
	if !l.enter() {
		return Event{}, ErrDone
	}
	defer l.leave()
	for {
		fds := []unix.PollFd{
			{Fd: int32(l.fd), Events: unix.POLLIN},
			{Fd: int32(l.wake), Events: unix.POLLIN},
		}
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return Event{}, fmt.Errorf("seccomp: poll listener: %w", err)
		}
		if fds[1].Revents != 0 {
			return Event{}, ErrDone
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 {
				return Event{}, ErrDone
			}
			return Event{}, fmt.Errorf("seccomp: poll listener: revents %#x", fds[0].Revents)
		}
		// Poll said a notification was pending, so this does not block,
		// unless its task was killed in between: then RECV waits for the
		// next one or, on kernels >= 6.6, for the last task to go, and
		// Close cannot cut that wait short. Killing the jail ends it.
		var n seccompNotif // must be zero: the kernel checks
		err := ioctl(l.fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&n))
		switch err {
		case nil:
			return Event{
				ID:   n.id,
				PID:  int(n.pid),
				Nr:   n.nr,
				Arch: n.arch,
				Name: eventName(n.arch, n.nr),
				Args: n.args,
			}, nil
		case unix.EINTR, unix.ENOENT:
			// ENOENT: the caller was interrupted or killed and its
			// notification withdrawn; wait for the next one.
			continue
		default:
			return Event{}, fmt.Errorf("seccomp: receive notification: %w", err)
		}
	}
}

// Allow lets the notified call run as if the filter had allowed it
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Use it only where the decision does
// not depend on memory the caller can change under it: jailpy allows the
// init's first execve, whatever its arguments. An error wrapping
// unix.ENOENT means the caller is no longer waiting (killed, interrupted).
func (l *Listener) Allow(ev Event) error {
	return l.respond(ev, seccompNotifResp{id: ev.ID, flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
}

// Deny fails the notified call with errno without running it. errno must
// not be 0: that would report success for a call that never ran.
func (l *Listener) Deny(ev Event, errno unix.Errno) error {
	if errno == 0 {
		return fmt.Errorf("seccomp: deny %s: errno 0", ev.Name)
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
// filter has no listener.
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
