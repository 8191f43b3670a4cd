//go:build linux

package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// requireUserNotif skips a test the kernel cannot run: it needs seccomp
// with SECCOMP_RET_USER_NOTIF (Linux >= 5.0) and CONTINUE (>= 5.5).
func requireUserNotif(t *testing.T) {
	t.Helper()
	action := uint32(unix.SECCOMP_RET_USER_NOTIF)
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&action)))
	if e != 0 {
		t.Skipf("needs seccomp user notification (SECCOMP_RET_USER_NOTIF): %v", e)
	}
}

// child is one run of childMain under the Default filter, seen from the
// test: the parent's side of jailpy.
type child struct {
	t              *testing.T
	cmd            *exec.Cmd
	sock           *os.File // the test's end of the socket the listener came over
	l              *Listener
	stdout, stderr syncBuffer
	kill           *time.Timer
}

// syncBuffer is a child's output, readable while the child writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor reports whether s appears in the output within d.
func (b *syncBuffer) waitFor(s string, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if strings.Contains(b.String(), s) {
			return true
		}
	}
	return false
}

// startChild starts childMain with probe and returns once the child has
// loaded the filter and handed over its listener. argv and env are for the
// exec probe.
func startChild(t *testing.T, probe string, argv, env []string) *child {
	t.Helper()
	requireUserNotif(t)
	progPath := filepath.Join(t.TempDir(), "prog.bpf")
	if err := os.WriteFile(progPath, defaultProgram(t), 0o600); err != nil {
		t.Fatal(err)
	}
	progFile, err := os.Open(progPath)
	if err != nil {
		t.Fatal(err)
	}
	defer progFile.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "test-sock"), os.NewFile(uintptr(fds[1]), "child-sock")
	defer theirs.Close()

	argvJSON, _ := json.Marshal(argv)
	envJSON, _ := json.Marshal(env)
	c := &child{t: t, sock: ours}
	c.cmd = exec.Command(os.Args[0])
	// asyncpreemptoff as in jailpy's init: a preemption signal that
	// interrupts a checkpoint (the child's exit) withdraws its
	// notification, which the listener rightly reports as Lost.
	c.cmd.Env = []string{"GODEBUG=asyncpreemptoff=1", childEnv + "=" + probe, childArgvEnv + "=" + string(argvJSON), childEnvEnv + "=" + string(envJSON)}
	c.cmd.ExtraFiles = []*os.File{theirs, progFile} // fds 3 and 4
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		ours.Close()
		t.Fatalf("start child: %v", err)
	}
	// A child stuck in the filter fails the test instead of hanging it.
	c.kill = time.AfterFunc(60*time.Second, func() { c.cmd.Process.Kill() })
	theirs.Close()

	fd, err := receiveFD(ours)
	if err != nil {
		c.cmd.Wait()
		ours.Close()
		t.Fatalf("no listener from the child: %v; stderr: %s", err, c.stderr.String())
	}
	if c.l, err = NewListener(fd); err != nil {
		t.Fatalf("NewListener: %v", err)
	}
	return c
}

// receiveFD reads the one fd the child sends over the socket.
func receiveFD(sock *os.File) (int, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return -1, err
	}
	if n == 0 {
		return -1, errors.New("child closed the socket first")
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return -1, errors.New("no control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return -1, errors.New("no fd in the control message")
	}
	return fds[0], nil
}

// serve answers every notification with answer (true: Allow, false:
// Deny EPERM) until the child is gone, and returns what it saw. It also
// checks that Next ends by itself (POLLHUP) once the child is reaped.
func (c *child) serve(answer func(ev Event) bool) (events []Event, waitErr error) {
	c.t.Helper()
	done := make(chan error, 1)
	go func() {
		for {
			ev, err := c.l.Next()
			if err != nil {
				done <- err
				return
			}
			events = append(events, ev)
			if answer(ev) {
				err = c.l.Allow(ev)
			} else {
				err = c.l.Deny(ev, unix.EPERM)
			}
			if err != nil {
				c.t.Errorf("answer %s: %v", ev.Name, err)
			}
		}
	}()
	waitErr = c.cmd.Wait()
	c.kill.Stop()
	select {
	case err := <-done:
		if err != ErrDone {
			c.t.Errorf("Next ended with %v, want ErrDone", err)
		}
	case <-time.After(10 * time.Second):
		c.t.Errorf("Next did not return ErrDone after the child was reaped")
		c.l.Close()
		<-done
	}
	c.l.Close()
	c.sock.Close()
	return events, waitErr
}

// result is what the probe printed: "ok", an errno name, or "" if it
// printed nothing (it exec'd or died).
func (c *child) result() string {
	for _, line := range strings.Split(c.stdout.String(), "\n") {
		if r, ok := strings.CutPrefix(line, "result="); ok {
			return r
		}
	}
	return ""
}

// denyAll is the answer of a parent that allows nothing.
func denyAll(Event) bool { return false }

// allowFirstExec is jailpy's answer: the init's one execve, nothing else.
func allowFirstExec() func(Event) bool {
	execed := false
	return func(ev Event) bool {
		if !execed && ev.Name == "execve" {
			execed = true
			return true
		}
		return false
	}
}

func names(events []Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.Name)
	}
	return out
}
