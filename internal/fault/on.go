//go:build jailpyfault

package fault

import (
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Variable names the point to stop at.
const Variable = "JAILPY_FAULT"

// Point stops at name when JAILPY_FAULT names it. jailpy itself stops
// with SIGSTOP (state T in /proc/PID/stat). The jail's init cannot: as
// pid 1 of its namespace it ignores its own SIGSTOP, so it renames its
// thread "F-name" (/proc/PID/comm) and sleeps until it is killed.
func Point(name string) {
	if os.Getenv(Variable) != name {
		return
	}
	if os.Getpid() != 1 {
		// To this thread, not the process: a process-wide SIGSTOP may be
		// taken by another thread after this one has carried on (to
		// exit_group, at the exit point) and the stop would be lost.
		unix.Tgkill(os.Getpid(), unix.Gettid(), unix.SIGSTOP)
		return
	}
	if p, err := unix.BytePtrFromString("F-" + name); err == nil {
		unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(p)), 0, 0, 0)
	}
	for {
		time.Sleep(time.Hour)
	}
}

// Env passes the fault point on to the jail's init.
func Env() []string {
	if v := os.Getenv(Variable); v != "" {
		return []string{Variable + "=" + v}
	}
	return nil
}
