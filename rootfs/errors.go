package rootfs

import (
	"fmt"
	"strings"
)

// MountError says which filesystem step of Enter failed, on what, with which
// flags, so that a sysadmin can act on the message alone. Err is the errno
// (a syscall.Errno), so errors.Is(err, unix.EPERM) works through Unwrap.
type MountError struct {
	Op     string // mount, bind, remount, mkdir, mknod, symlink, open, pivot_root, umount, chdir
	Step   string // the sub-step that failed, e.g. "remount ro"; may be empty
	Source string // host path or filesystem type; may be empty
	Target string // path inside the jail
	Flags  string // mount flags as text, e.g. "MS_BIND|MS_REMOUNT|MS_RDONLY"
	Err    error
}

func (e *MountError) Error() string {
	var b strings.Builder
	b.WriteString("rootfs: ")
	b.WriteString(e.Op)
	if e.Source != "" {
		fmt.Fprintf(&b, " %s ->", e.Source)
	}
	if e.Target != "" {
		fmt.Fprintf(&b, " %s", e.Target)
	}
	if e.Step != "" {
		fmt.Fprintf(&b, ": %s", e.Step)
	}
	if e.Flags != "" {
		fmt.Fprintf(&b, " (%s)", e.Flags)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the errno.
func (e *MountError) Unwrap() error { return e.Err }
