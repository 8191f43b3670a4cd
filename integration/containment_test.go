package integration

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each test here is an attack on one promise of the threat model, run
// through the real binary; the host side checks that nothing got through.

func TestNoHostFiles(t *testing.T) {
	secret := filepath.Join(workDir, "host-secret")
	os.WriteFile(secret, []byte("s3cr3t-file"), 0o644)
	src := fmt.Sprintf(`
import os
def main():
    seen = {}
    for p in [%q, "/etc/passwd", "/etc/hostname", "/root", "/home", "/proc/self/environ", "/sys/class/net", "/dev/sda", "/var/log"]:
        try:
            with open(p, "rb") as f:
                seen[p] = f.read(64).decode("latin-1")
        except OSError as e:
            seen[p] = type(e).__name__
    seen["/"] = sorted(os.listdir("/"))
    seen["/dev"] = sorted(os.listdir("/dev"))
    return seen
`, secret)
	r := jailpy(t, run{src: src})
	var v map[string]any
	value(t, r, &v)
	for p, got := range v {
		if s, ok := got.(string); ok && s != "FileNotFoundError" && s != "IsADirectoryError" {
			t.Errorf("%s readable in the jail: %q", p, s)
		}
	}
	if fmt.Sprint(v["/dev"]) != "[null urandom zero]" {
		t.Errorf("/dev holds %v", v["/dev"])
	}
	for _, d := range v["/"].([]any) {
		if d == "proc" || d == "sys" || d == "etc" || d == "home" || d == "root" {
			t.Errorf("/ holds %v: %v", d, v["/"])
		}
	}
	if strings.Contains(r.raw, "s3cr3t") {
		t.Fatal("the secret leaked into the verdict")
	}
}

func TestNoCallerEnvironment(t *testing.T) {
	src := "import os\ndef main():\n    return dict(os.environ)\n"
	r := jailpy(t, run{src: src, env: append(os.Environ(), "JAILPY_TEST_SECRET=s3cr3t-env")})
	var env map[string]string
	value(t, r, &env)
	if strings.Contains(r.raw, "s3cr3t-env") {
		t.Fatalf("caller's environment reached the jail: %v", env)
	}
	if _, ok := env["PATH"]; ok && env["PATH"] == os.Getenv("PATH") {
		t.Fatalf("caller's PATH reached the jail: %v", env)
	}
}

func TestWritesStayInTheRun(t *testing.T) {
	marker := filepath.Join(workDir, "written-by-jail")
	src := fmt.Sprintf(`
def main(step):
    out = {}
    for p in [%q, "/written", "/usr/lib/written", "/tmp/state"]:
        try:
            if step == 1:
                open(p, "w").write("x")
                out[p] = "wrote"
            else:
                out[p] = open(p).read()
        except OSError as e:
            out[p] = type(e).__name__
    return out
`, marker)
	r := jailpy(t, run{src: src, args: "[1]"})
	var first map[string]string
	value(t, r, &first)
	if first["/tmp/state"] != "wrote" {
		t.Fatalf("/tmp is not writable: %v", first)
	}
	for p, got := range first {
		if p != "/tmp/state" && got == "wrote" {
			t.Errorf("wrote %s", p)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a file written in the jail appeared on the host")
	}
	r = jailpy(t, run{src: src, args: "[2]"})
	var second map[string]string
	value(t, r, &second)
	if second["/tmp/state"] != "FileNotFoundError" {
		t.Fatalf("state survived between runs: %v", second)
	}
}

func TestNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := watchAccepts(ln)
	port := ln.Addr().(*net.TCPAddr).Port
	src := fmt.Sprintf("import socket\ndef main():\n    socket.create_connection(('127.0.0.1', %d), timeout=1)\n", port)
	r := jailpy(t, run{src: src})
	expectViolation(t, r, "socket")
	if accepted() {
		t.Fatal("the jail reached a host TCP listener")
	}
}

// watchAccepts accepts on ln in the background; the returned func
// reports whether any connection came in (waiting a moment for one that
// is still in the backlog).
func watchAccepts(ln net.Listener) func() bool {
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	return func() bool {
		select {
		case <-accepted:
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	}
}

func TestNoUnixSocket(t *testing.T) {
	path := filepath.Join(workDir, "host.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	os.Chmod(path, 0o777)
	accepted := watchAccepts(ln)
	src := fmt.Sprintf("import socket\ndef main():\n    s = socket.socket(socket.AF_UNIX)\n    s.connect(%q)\n", path)
	r := jailpy(t, run{src: src})
	expectViolation(t, r, "socket")
	if accepted() {
		t.Fatal("the jail reached a host unix socket")
	}
}

func TestCannotSignalHostProcess(t *testing.T) {
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sleeper.Process.Kill()
		sleeper.Wait()
	}()
	src := fmt.Sprintf("import os, signal\ndef main():\n    os.kill(%d, signal.SIGKILL)\n", sleeper.Process.Pid)
	r := jailpy(t, run{src: src})
	expectViolation(t, r, "kill") // kill(2) is outside the allow-list
	if st := procState(sleeper.Process.Pid); st == "" || st == "Z" {
		t.Fatalf("host process was killed (state %q)", st)
	}
}

func TestSeesOnlyItself(t *testing.T) {
	src := `
import os, socket
def main():
    return {"pid": os.getpid(), "uid": os.getuid(), "host": os.uname().nodename}
`
	r := jailpy(t, run{src: src})
	var v struct {
		Pid  int    `json:"pid"`
		UID  int    `json:"uid"`
		Host string `json:"host"`
	}
	value(t, r, &v)
	host, _ := os.Hostname()
	if v.Pid != 1 || v.Host != "jailpy" || v.Host == host {
		t.Fatalf("jail sees %+v", v)
	}
}

func TestForkBombIsStopped(t *testing.T) {
	src := "import os\ndef main():\n    while True:\n        os.fork()\n"
	r := jailpy(t, run{src: src})
	expectViolation(t, r, "clone")
}

func TestThreadBombIsBounded(t *testing.T) {
	src := `
import threading, time
def main():
    started = 0
    try:
        for _ in range(1000):
            threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
            started += 1
    except RuntimeError:
        return started
    return started
`
	r := jailpy(t, run{src: src, flags: []string{"--pids", "8"}})
	var started int
	value(t, r, &started)
	if started >= 8 {
		t.Fatalf("started %d threads with --pids 8", started)
	}
}

func TestKernelSurfaceIsClosed(t *testing.T) {
	cases := []attack{
		{"mount", "import ctypes\ndef main():\n    ctypes.CDLL(None).mount(b'none', b'/tmp', b'tmpfs', 0, None)\n", "mount"},
		{"unshare", "import ctypes\ndef main():\n    ctypes.CDLL(None).unshare(0x10000000)\n", "unshare"},
		{"TIOCSTI", "import fcntl, termios\ndef main():\n    fcntl.ioctl(0, termios.TIOCSTI, b'x')\n", "ioctl"},
		{"ptrace", "import ctypes\ndef main():\n    ctypes.CDLL(None).ptrace(0, 0, 0, 0)\n", "ptrace"},
		{"SysV shared memory", "import ctypes\ndef main():\n    ctypes.CDLL(None).shmget(0, 4096, 0o1600)\n", "shmget"},
		{"keyctl", "import ctypes\ndef main():\n    ctypes.CDLL(None).syscall(250, 0, 0, 0, 0)\n", "keyctl"},
	}
	violations(t, cases)
}

func TestTmpIsBounded(t *testing.T) {
	src := `
def main():
    try:
        with open("/tmp/big", "wb") as f:
            for _ in range(64):
                f.write(b"x" * (1 << 20))
    except OSError as e:
        return type(e).__name__
    return "wrote 64MiB"
`
	r := jailpy(t, run{src: src, flags: []string{"--tmp", "1MiB"}})
	var got string
	value(t, r, &got)
	if got == "wrote 64MiB" {
		t.Fatal("/tmp is not bounded")
	}
}

// TestOnlyTheWrappersFdsAreOpen: nothing of jailpy's (config pipe, sync
// socket, seccomp listener) reaches the interpreter.
func TestOnlyTheWrappersFdsAreOpen(t *testing.T) {
	src := `
import os, stat
def main():
    open_fds = {}
    for fd in range(0, 1024):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        kind = "fifo" if stat.S_ISFIFO(st.st_mode) else "sock" if stat.S_ISSOCK(st.st_mode) else "other"
        open_fds[str(fd)] = kind
    return open_fds
`
	r := jailpy(t, run{src: src})
	var fds map[string]string
	value(t, r, &fds)
	for fd, kind := range fds {
		switch fd {
		case "0", "1", "2", "4": // stdin (/dev/null), stdout, stderr, result
		default:
			t.Errorf("fd %s (%s) is open in the jail", fd, kind)
		}
		if kind == "sock" {
			t.Errorf("fd %s is a socket", fd)
		}
	}
}
