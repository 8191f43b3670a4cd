//go:build linux

package rootfs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
	fd, ok := b.fds[e.Source]
	if !ok {
		var err error
		if fd, err = openSource(e); err != nil {
			return &MountError{Op: "bind", Step: "open source", Source: e.Source, Target: e.Path, Err: err}
		}
		defer unix.Close(fd)
	}
	var err error
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

// OpenSources opens every bind source of p as Enter would, but from
// outside: each path is resolved under root, an fd of the jail init's
// /proc/PID/root, so the files lie on the init's own mounts (a bind from
// another mount namespace's mount is refused) while the permission checks
// are the caller's. The jail's init runs as the unprivileged jail user,
// which may not reach a path its parent can (an interpreter under a 0700
// home). The caller hands the files to the init in this order (see
// BindSources) and Enter finds them through Options.SourceFDs.
func OpenSources(p *Plan, root int) ([]*os.File, error) {
	var files []*os.File
	for _, e := range p.BindSources() {
		fd, err := openSourceAt(root, e)
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, &MountError{Op: "bind", Step: "open source", Source: e.Source, Target: e.Path, Err: err}
		}
		files = append(files, os.NewFile(uintptr(fd), e.Source))
	}
	return files, nil
}

// BindSources are the entries of p that Enter binds from the host, in
// plan order.
func (p *Plan) BindSources() []Entry {
	var out []Entry
	for _, e := range p.Entries {
		if e.Kind == File || e.Kind == Dir {
			out = append(out, e)
		}
	}
	return out
}

// openSourceAt opens e.Source under root (an absolute path read as if root
// were /) as an O_PATH fd, refusing symlinks and magic links on the way.
func openSourceAt(root int, e Entry) (int, error) {
	flags := uint64(unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW)
	if e.Kind == Dir {
		flags |= unix.O_DIRECTORY
	}
	return unix.Openat2(root, strings.TrimPrefix(e.Source, "/"), &unix.OpenHow{
		Flags:   flags,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
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
