//go:build linux

package rootfs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The Enter tests re-exec this test binary: TestMain sends a process that
// carries childEnv to jailChild (or relayChild) instead of the tests.
const (
	childEnv   = "JAILPY_ROOTFS_CHILD"
	planEnv    = "JAILPY_ROOTFS_PLAN"
	tmpBytes   = 1 << 20
	nobody     = 65534
	pythonTest = `import json, hashlib, decimal, zlib, math; print("ok")`
	// pythonMore loads an extension module for each library family.
	pythonMore = `import hashlib, ssl, lzma, bz2, sqlite3, ctypes, uuid, pyexpat, zlib
assert hashlib.sha256(b"x").hexdigest().startswith("2d711642")
assert sqlite3.connect(":memory:").execute("select 1").fetchone() == (1,)
print("ok")`
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "relay":
		os.Exit(relayChild())
	case "noop":
		os.Exit(0)
	default:
		os.Exit(jailChild(os.Getenv(childEnv)))
	}
}

// jailCmd starts exe in new user, mount and pid namespaces whose root is
// hostID, the way the jail's parent starts its init.
func jailCmd(exe string, p *Plan, mode string, hostID int) *exec.Cmd {
	data, _ := json.Marshal(p)
	cmd := exec.Command(exe)
	cmd.Env = []string{childEnv + "=" + mode, planEnv + "=" + string(data)}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: hostID, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: hostID, Size: 1}},
		Pdeathsig:   syscall.SIGKILL,
	}
	return cmd
}

// relayChild runs as an unprivileged uid outside any namespace and starts
// the jail child from there, so that the user namespace is created by an
// unprivileged user, as on a host where jailpy does not run as root.
func relayChild() int {
	var p Plan
	if err := json.Unmarshal([]byte(os.Getenv(planEnv)), &p); err != nil {
		fmt.Fprintln(os.Stderr, "relay:", err)
		return 2
	}
	exe, _ := os.Executable()
	cmd := jailCmd(exe, &p, "enter", os.Getuid())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "relay:", err)
		return 1
	}
	return 0
}

// jailChild is the jail's init: Enter, then look around, then exec Python.
func jailChild(mode string) int {
	runtime.LockOSThread()
	var p Plan
	if err := json.Unmarshal([]byte(os.Getenv(planEnv)), &p); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	root := hostUID() == 0
	start := time.Now()
	err := Enter(&p, Options{TmpBytes: tmpBytes})
	took := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: Enter:", err)
		return 3
	}
	fmt.Printf("enter_ns=%d\n", took.Nanoseconds())
	if mode == "bench" {
		return 0
	}
	if fails := inspectJail(&p, root); len(fails) > 0 {
		for _, f := range fails {
			fmt.Fprintln(os.Stderr, "child: FAIL", f)
		}
		return 4
	}
	for _, script := range []string{pythonTest, pythonMore} {
		cmd := exec.Command(p.Python, "-I", "-S", "-B", "-c", script)
		cmd.Env = p.Env
		out, err := cmd.CombinedOutput()
		fmt.Printf("python: %s", out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: python:", err)
			return 5
		}
	}
	// The real init replaces itself with Python; do the same for the last word.
	argv := []string{p.Python, "-I", "-S", "-B", "-c", `print("exec ok")`}
	err = syscall.Exec(p.Python, argv, p.Env)
	fmt.Fprintln(os.Stderr, "child: exec:", err)
	return 6
}

// inspectJail checks the promises of Enter from inside.
// root says whether the jail's uid 0 is the host's root.
func inspectJail(p *Plan, root bool) []string {
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }

	if err := os.WriteFile("/new", nil, 0o644); !errors.Is(err, unix.EROFS) {
		fail("creating /new: %v, want EROFS", err)
	}
	for _, gone := range []string{"/etc/passwd", "/etc", "/proc/self", "/proc", "/sys", "/root/.bash_history", "/home"} {
		if _, err := os.Lstat(gone); !errors.Is(err, os.ErrNotExist) {
			fail("%s: %v, want it absent", gone, err)
		}
	}
	if wd, err := os.Getwd(); err != nil || wd != "/" {
		fail("cwd %q, %v; want /", wd, err)
	}
	if fi, err := os.Stat(p.Python); err != nil || !fi.Mode().IsRegular() {
		fail("interpreter %s: %v", p.Python, err)
	}
	// When the jail's root is the host's root only the read-only mounts
	// stand between it and the host's files. (A file a host process is
	// executing, the interpreter or the loader, may answer ETXTBSY first:
	// the write is refused either way.)
	for _, e := range p.Entries {
		var err error
		switch {
		case e.Kind == File && e.Path != p.Python:
			_, err = unix.Open(e.Path, unix.O_WRONLY, 0)
		case e.Kind == Dir:
			_, err = unix.Open(e.Path+"/new", unix.O_WRONLY|unix.O_CREAT, 0o644)
		default:
			continue
		}
		if !errors.Is(err, unix.EROFS) && !errors.Is(err, unix.ETXTBSY) && !(errors.Is(err, unix.EACCES) && !root) {
			fail("writing into %s %s: %v, want EROFS", e.Kind, e.Path, err)
		}
	}
	if err := unix.Chmod("/dev/null", 0o666); !errors.Is(err, unix.EROFS) && !(errors.Is(err, unix.EPERM) && !root) {
		fail("chmod /dev/null: %v, want EROFS", err)
	}
	if f, err := os.OpenFile("/dev/null", os.O_WRONLY, 0); err != nil {
		fail("open /dev/null: %v", err)
	} else if _, err := f.Write([]byte("x")); err != nil {
		fail("write /dev/null: %v", err)
	}
	if b, err := readN("/dev/zero", 16); err != nil || !bytes.Equal(b, make([]byte, 16)) {
		fail("read /dev/zero: %v", err)
	}
	if _, err := readN("/dev/urandom", 16); err != nil {
		fail("read /dev/urandom: %v", err)
	}
	var st unix.Statfs_t
	if err := unix.Statfs("/tmp", &st); err != nil {
		fail("statfs /tmp: %v", err)
	} else {
		if want := int64(unix.ST_NOSUID | unix.ST_NODEV | unix.ST_NOEXEC); st.Flags&want != want || st.Flags&unix.ST_RDONLY != 0 {
			fail("/tmp flags %#x, want rw,nosuid,nodev,noexec", st.Flags)
		}
		// /tmp shares its tmpfs with the root's skeleton, which must not
		// eat into what /tmp was promised.
		if st.Ffree != defaultTmpInodes || int64(st.Bavail)*st.Bsize != tmpBytes {
			fail("/tmp has %d free inodes and %d free bytes, want %d and %d", st.Ffree, int64(st.Bavail)*st.Bsize, defaultTmpInodes, tmpBytes)
		}
	}
	if fi, err := os.Stat("/tmp"); err != nil || fi.Mode()&(os.ModeSticky|os.ModePerm) != os.ModeSticky|0o777 {
		fail("/tmp mode: %v, %v", fi.Mode(), err)
	}
	if err := fillTmp(); err != nil {
		fail("%v", err)
	}
	for _, e := range p.Entries {
		if e.Kind == Empty {
			if ents, err := os.ReadDir(e.Path); err != nil || len(ents) != 0 {
				fail("masked %s: %d entries, %v; want empty", e.Path, len(ents), err)
			}
		}
	}
	return fails
}

// fillTmp writes more than TmpBytes to /tmp and wants ENOSPC.
func fillTmp() error {
	f, err := os.Create("/tmp/fill")
	if err != nil {
		return fmt.Errorf("create /tmp/fill: %v", err)
	}
	defer os.Remove("/tmp/fill")
	defer f.Close()
	chunk := make([]byte, 64<<10)
	written := 0
	for written <= tmpBytes {
		n, err := f.Write(chunk)
		written += n
		if errors.Is(err, unix.ENOSPC) {
			if written < tmpBytes/2 {
				return fmt.Errorf("/tmp full after %d bytes, want about %d", written, tmpBytes)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("write /tmp/fill: %v", err)
		}
	}
	return fmt.Errorf("wrote %d bytes to /tmp, more than its %d", written, tmpBytes)
}

func readN(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	_, err = f.Read(b)
	return b, err
}

// hostUID returns the host uid that uid 0 of our user namespace maps to.
// It needs /proc, so it is called before Enter.
func hostUID() int {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return -1
	}
	id, _ := strconv.Atoi(f[1])
	return id
}
