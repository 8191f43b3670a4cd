//go:build linux

package seccomp

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestProbes loads the Default filter in a child, the way the jail's init
// does, makes one call and checks both sides: what the listener saw and
// what the child got back. Every notification is denied with EPERM.
func TestProbes(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("needs x86_64: the probes use x86_64 ioctl requests and clone flags")
	}
	for _, tc := range []struct {
		probe  string
		notify []string // names of the notifications, in order
		result string   // what the call returned in the child
	}{
		{"getpid", nil, "ok"},
		{"socket", []string{"socket"}, "EPERM"},
		{"clone3", nil, "ENOSYS"},            // the filter's own answer
		{"fork", []string{"clone"}, "EPERM"}, // clone without thread flags
		{"ioctl-tcgets", nil, "ENOTTY"},      // allowed: the kernel says a pipe is no tty
		{"ioctl-tcgets-hi", nil, "ENOTTY"},   // the kernel ignores the high half, so does the filter
		{"ioctl-tiocsti", []string{"ioctl"}, "EPERM"},
		{"ioctl-tiocsti-hi", []string{"ioctl"}, "EPERM"}, // the high half hides nothing
		{"fsync-pipe", nil, "ok"},                        // success without running: EINVAL had it run
		{"fdatasync-pipe", nil, "ok"},
		{"msync-unaligned", nil, "ok"},
		{"sync", nil, "ok"},
		{"sysinfo", nil, "ENOSYS"}, // the filter's own answer: no host-wide state
		{"fcntl-getfd", nil, "ok"},
		{"fcntl-getfd-hi", nil, "ok"}, // cmd is an unsigned int: the kernel ignores the high half
		{"fcntl-setlease", []string{"fcntl"}, "EPERM"},
		{"fcntl-setown", []string{"fcntl"}, "EPERM"},
		{"fcntl-setpipe-sz", []string{"fcntl"}, "EPERM"},
	} {
		t.Run(tc.probe, func(t *testing.T) {
			c := startChild(t, tc.probe, nil, nil)
			events, err := c.serve(denyAll)
			if err != nil {
				t.Fatalf("child: %v; stderr: %s", err, c.stderr.String())
			}
			if got := names(events); !slices.Equal(got, tc.notify) {
				t.Errorf("notifications %q, want %q", got, tc.notify)
			}
			if got := c.result(); got != tc.result {
				t.Errorf("child got %q, want %q", got, tc.result)
			}
			for _, ev := range events {
				if ev.PID != c.cmd.Process.Pid {
					t.Errorf("%s: PID %d, want the child's %d", ev.Name, ev.PID, c.cmd.Process.Pid)
				}
			}
		})
	}
}

// TestProbeX32: an x32 number never runs. Build makes the bad-arch action
// a notification where libseccomp accepts that, else a kill; the test
// reads which from the program and expects that.
func TestProbeX32(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("needs x86_64: x32 numbers exist only there")
	}
	badArch, err := runBPF(defaultProgram(t), seccompData{nr: x32Bit | unix.SYS_GETPID, arch: unix.AUDIT_ARCH_X86_64})
	if err != nil {
		t.Fatal(err)
	}
	c := startChild(t, "x32-getpid", nil, nil)
	events, err := c.serve(denyAll)
	switch badArch {
	case retNotify:
		if got := names(events); !slices.Equal(got, []string{"x32:getpid"}) {
			t.Errorf("notifications %q, want [x32:getpid]", got)
		}
		if err != nil || c.result() != "EPERM" {
			t.Errorf("child: %v, got %q, want EPERM", err, c.result())
		}
	case unix.SECCOMP_RET_KILL_PROCESS:
		t.Log("bad-arch action is kill: libseccomp refused notify")
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != unix.SIGSYS {
			t.Errorf("child: %v, want killed by SIGSYS", err)
		}
	default:
		t.Fatalf("bad-arch action %#x", badArch)
	}
}

// TestProbeExec: execve is always notified; allowed, it runs, and the
// program it starts stays under the filter.
func TestProbeExec(t *testing.T) {
	const prog = "/bin/true"
	if _, err := os.Stat(prog); err != nil {
		t.Skipf("needs %s: %v", prog, err)
	}
	t.Run("allowed", func(t *testing.T) {
		c := startChild(t, "exec", []string{prog}, nil)
		events, err := c.serve(allowFirstExec())
		if err != nil {
			t.Fatalf("%s under the filter: %v; notifications %q; stderr: %s", prog, err, names(events), c.stderr.String())
		}
		if got := names(events); !slices.Equal(got, []string{"execve"}) {
			t.Errorf("notifications %q, want [execve]", got)
		}
		if len(events) > 0 && events[0].Arch != unix.AUDIT_ARCH_X86_64 && runtime.GOARCH == "amd64" {
			t.Errorf("execve arch %#x", events[0].Arch)
		}
	})
	t.Run("denied", func(t *testing.T) {
		c := startChild(t, "exec", []string{prog}, nil)
		events, err := c.serve(denyAll)
		if err != nil {
			t.Fatalf("child: %v; stderr: %s", err, c.stderr.String())
		}
		if got := names(events); !slices.Equal(got, []string{"execve"}) {
			t.Errorf("notifications %q, want [execve]", got)
		}
		if got := c.result(); got != "EPERM" {
			t.Errorf("execve returned %q in the child, want EPERM", got)
		}
	})
}

// TestCloseWakesNext: Close ends a Next that is blocked with no
// notification in sight, while the filtered child is still alive.
func TestCloseWakesNext(t *testing.T) {
	c := startChild(t, "wait", nil, nil)
	// The child's exit is a checkpoint: without a listener it would fail
	// with ENOSYS. A second listener on the same filter serves it.
	spare, err := unix.FcntlInt(uintptr(c.l.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("dup listener: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.l.Next()
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Next returned %v with no notification and the child alive", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := c.l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if err != ErrDone {
			t.Errorf("Next after Close: %v, want ErrDone", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Close did not wake Next")
	}
	if _, err := c.l.Next(); err != ErrDone {
		t.Errorf("Next on a closed listener: %v, want ErrDone", err)
	}
	if err := c.l.Allow(Event{}); err != ErrDone {
		t.Errorf("Allow on a closed listener: %v, want ErrDone", err)
	}
	if err := c.l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	c.sock.Close() // the child's read returns 0 and it exits
	if c.l, err = NewListener(spare); err != nil {
		t.Fatal(err)
	}
	events, err := c.serve(denyAll)
	if err != nil || len(events) > 0 {
		t.Errorf("child: %v, notifications %q; stderr: %s", err, names(events), c.stderr.String())
	}
	if got := c.result(); got != "ok" {
		t.Errorf("child got %q, want ok", got)
	}
}
