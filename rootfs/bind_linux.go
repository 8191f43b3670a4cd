//go:build linux

package rootfs

import (
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// seal makes the host's root mount read-only in this mount namespace, so
// that binds from it are born read-only (a bind copies its source mount's
// flags) and need no remount each: one remount instead of one per file.
// It changes only this namespace's private copy of the mount, never the
// host's, and the copy is detached at pivot. Best effort: where "/" is not
// a mount root or statx has no mount IDs (before 5.8), every bind is
// remounted as usual.
func (b *builder) seal() {
	var st unix.Statfs_t
	if unix.Statfs("/", &st) != nil {
		return
	}
	if unix.Mount("", "/", "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|lockedFlags(st.Flags), "") != nil {
		return
	}
	var sx unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, "/", unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &sx) == nil && sx.Mask&unix.STATX_MNT_ID != 0 {
		b.sealed = sx.Mnt_id
	}
}

// bind makes a read-only bind of e.Source at e.Path in the new root.
//
// The source is opened first without following any symlink and bound
// through /proc/self/fd: a host path swapped for a symlink between plan and
// run (say, to /etc/shadow) then fails instead of exposing the link's
// target. The same fd says which mount the source is on and, for the
// read-only remount, that mount's flags.
func (b *builder) bind(e Entry) error {
	if err := b.mkdirs(filepath.Dir(e.Path)); err != nil {
		return err
	}
	fd, err := openSource(e)
	if err != nil {
		return &MountError{Op: "bind", Step: "open source", Source: e.Source, Target: e.Path, Err: err}
	}
	defer unix.Close(fd)
	target := scratch + e.Path
	if e.Kind == Dir {
		err = unix.Mkdir(target, 0o755)
	} else {
		err = unix.Mknod(target, unix.S_IFREG|0o444, 0)
	}
	if err != nil {
		return &MountError{Op: "bind", Step: "create mount point", Source: e.Source, Target: e.Path, Err: err}
	}
	src := e.Source
	if b.proc {
		src = "/proc/self/fd/" + strconv.Itoa(fd)
	}
	if err := unix.Mount(src, target, "", unix.MS_BIND, ""); err != nil {
		return &MountError{Op: "bind", Source: e.Source, Target: e.Path, Flags: "MS_BIND", Err: err}
	}
	if b.onSealed(fd) {
		return nil
	}
	// Remount even when statfs says ST_RDONLY: that may be the superblock
	// alone, which the host can make writable again at any time; only the
	// mount's own flag is ours.
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return &MountError{Op: "bind", Step: "statfs source", Source: e.Source, Target: e.Path, Err: err}
	}
	flags := unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | lockedFlags(st.Flags)
	if err := unix.Mount("", target, "", flags, ""); err != nil {
		return &MountError{Op: "bind", Step: "remount ro", Source: e.Source, Target: e.Path, Flags: flagString(flags), Err: err}
	}
	return nil
}

// onSealed reports whether fd lies on the mount seal made read-only.
func (b *builder) onSealed(fd int) bool {
	if b.sealed == 0 {
		return false
	}
	var sx unix.Statx_t
	err := unix.Statx(fd, "", unix.AT_EMPTY_PATH, unix.STATX_MNT_ID, &sx)
	return err == nil && sx.Mask&unix.STATX_MNT_ID != 0 && sx.Mnt_id == b.sealed
}

// openSource opens a bind source as an O_PATH fd, refusing symlinks
// anywhere in the path (plan sources are real paths). Kernels before 5.6
// lack openat2; there only the last component is checked.
func openSource(e Entry) (int, error) {
	flags := uint64(unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW)
	if e.Kind == Dir {
		flags |= unix.O_DIRECTORY
	}
	fd, err := unix.Openat2(unix.AT_FDCWD, e.Source, &unix.OpenHow{
		Flags:   flags,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != unix.ENOSYS {
		return fd, err
	}
	fd, err = unix.Open(e.Source, int(flags), 0)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT == unix.S_IFLNK {
		unix.Close(fd)
		return -1, unix.ELOOP
	}
	return fd, nil
}
