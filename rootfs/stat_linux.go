//go:build linux

package rootfs

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// stamp is what one lstat says about a path: enough to notice a file
// replaced, rewritten or touched (ctime also moves when mtime is forged
// back), or a path appearing or vanishing (Type 0 = absent).
type stamp struct {
	Path  string `json:"p"`
	Type  uint32 `json:"m,omitempty"`
	Size  int64  `json:"s,omitempty"`
	Mtime int64  `json:"t,omitempty"`
	Ctime int64  `json:"c,omitempty"`
	Ino   uint64 `json:"i,omitempty"`
}

func stampOf(path string) stamp {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return stamp{Path: path}
	}
	return stamp{
		Path:  path,
		Type:  st.Mode & unix.S_IFMT,
		Size:  st.Size,
		Mtime: st.Mtim.Nano(),
		Ctime: st.Ctim.Nano(),
		Ino:   st.Ino,
	}
}

// trusted reports whether a cache directory or file could only have been
// written by us: owned by the effective uid, not group or other writable.
func trusted(fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("rootfs: cache: no owner information")
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("rootfs: cache: owned by uid %d, not %d", st.Uid, os.Geteuid())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("rootfs: cache: mode %v is group or other writable", fi.Mode().Perm())
	}
	return nil
}
