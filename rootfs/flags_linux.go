//go:build linux

package rootfs

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockedFlags returns the mount flags a read-only remount of a bind of a
// mount with statfs flags f must repeat. Inside a user namespace the
// kernel locks nosuid, nodev, noexec and the atime mode of mounts inherited
// from the host (MNT_LOCK_*), and a remount that would clear one fails with
// EPERM. The ST_* bits are not all the MS_* bits (ST_RELATIME is 0x1000,
// MS_RELATIME 1<<21), hence the table.
func lockedFlags(f int64) uintptr {
	var m uintptr
	for _, b := range []struct {
		st int64
		ms uintptr
	}{
		{unix.ST_NOSUID, unix.MS_NOSUID},
		{unix.ST_NODEV, unix.MS_NODEV},
		{unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME},
		{unix.ST_NODIRATIME, unix.MS_NODIRATIME},
		{unix.ST_RELATIME, unix.MS_RELATIME},
		{stNoSymfollow, unix.MS_NOSYMFOLLOW},
	} {
		if f&b.st != 0 {
			m |= b.ms
		}
	}
	// Neither noatime nor relatime means strictatime; saying nothing
	// would ask for the default, relatime, and change a locked mode.
	if f&(unix.ST_NOATIME|unix.ST_RELATIME) == 0 {
		m |= unix.MS_STRICTATIME
	}
	return m
}

// stNoSymfollow is ST_NOSYMFOLLOW (Linux 5.10), which x/sys does not name.
const stNoSymfollow = 0x2000

var flagNames = []struct {
	bit  uintptr
	name string
}{
	{unix.MS_RDONLY, "MS_RDONLY"},
	{unix.MS_NOSUID, "MS_NOSUID"},
	{unix.MS_NODEV, "MS_NODEV"},
	{unix.MS_NOEXEC, "MS_NOEXEC"},
	{unix.MS_REMOUNT, "MS_REMOUNT"},
	{unix.MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
	{unix.MS_NOATIME, "MS_NOATIME"},
	{unix.MS_NODIRATIME, "MS_NODIRATIME"},
	{unix.MS_BIND, "MS_BIND"},
	{unix.MS_REC, "MS_REC"},
	{unix.MS_PRIVATE, "MS_PRIVATE"},
	{unix.MS_RELATIME, "MS_RELATIME"},
	{unix.MS_STRICTATIME, "MS_STRICTATIME"},
}

// flagString renders mount flags for error messages.
func flagString(f uintptr) string {
	var names []string
	for _, n := range flagNames {
		if f&n.bit != 0 {
			names = append(names, n.name)
			f &^= n.bit
		}
	}
	if f != 0 || len(names) == 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(f), 16))
	}
	return strings.Join(names, "|")
}
