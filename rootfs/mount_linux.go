//go:build linux

package rootfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// scratch is where the new root is assembled. /tmp exists on every host;
// the mount on it lives only in the jail's private mount namespace and
// goes with it.
const scratch = "/tmp"

// Enter builds the jail's root filesystem from p and pivots into it.
//
// Preconditions: the calling process was created in new user and mount
// namespaces (CLONE_NEWUSER|CLONE_NEWNS) and still has CAP_SYS_ADMIN there:
// call it before capabilities are dropped and before any setuid inside.
// The host's /proc must still be visible at /proc (it names bind sources
// and shows uid_map). Enter itself needs no particular thread: the mount
// namespace, root, cwd and umask it changes are shared by all threads of
// the process (Go threads share fs_struct), so the init may call it from
// the locked thread that later does the per-thread steps (capset,
// no_new_privs, seccomp).
//
// Enter sets the umask to 0 while it runs and restores it; every fd it
// opens is closed before it returns. Afterwards the process sees only the
// plan, /dev/{null,zero,urandom} and /tmp, its cwd is "/", and nothing it
// does reaches the host's mount table. On error the mount namespace is
// half built and must not be used: the init should report and exit.
func Enter(p *Plan, opts Options) error {
	if err := p.validate(); err != nil {
		return err
	}
	if opts.TmpBytes <= 0 {
		return fmt.Errorf("rootfs: Options.TmpBytes must be > 0 (tmpfs reads size=0 as unlimited)")
	}
	inodes := opts.TmpInodes
	if inodes <= 0 {
		inodes = defaultTmpInodes
	}
	if err := requireUserNS(); err != nil {
		return err
	}
	// Modes below are meant literally; the init's umask is inherited.
	defer unix.Umask(unix.Umask(0))

	// Stop propagation both ways before touching anything: what follows
	// must never appear in the host's mount table.
	if err := mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "", "/", "make private"); err != nil {
		return err
	}
	b := newBuilder(p)
	b.fds = opts.SourceFDs
	if len(b.fds) > 0 && !b.proc {
		return fmt.Errorf("rootfs: Enter: pre-opened bind sources need /proc/self/fd")
	}
	b.seal()
	// One tmpfs is both the root and /tmp: a superblock costs more than a
	// bind. Its limits are /tmp's plus exactly what the root's skeleton
	// uses, and the root is read-only before anything runs, so /tmp gets
	// TmpBytes and TmpInodes. nosuid,nodev,noexec hold for both.
	size := opts.TmpBytes + b.rootBytes
	data := "mode=0755,size=" + strconv.FormatInt(size, 10) + ",nr_inodes=" + strconv.FormatInt(inodes+b.rootInodes, 10)
	if err := mount("tmpfs", scratch, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, data, "/", "new root tmpfs on "+scratch); err != nil {
		return err
	}
	for _, e := range p.Entries {
		if err := b.entry(e); err != nil {
			return err
		}
	}
	for _, d := range devices {
		if err := b.bind(Entry{Kind: File, Path: "/dev/" + d, Source: "/dev/" + d}); err != nil {
			return err
		}
	}
	// /tmp is a bind of a directory of the same tmpfs: a mount of its own,
	// so it stays writable when the root is remounted read-only.
	if err := unix.Mkdir(scratch+"/tmp", 0o1777); err != nil {
		return &MountError{Op: "mkdir", Target: "/tmp", Err: err}
	}
	if err := mount(scratch+"/tmp", scratch+"/tmp", "", unix.MS_BIND, "", "/tmp", "bind /tmp onto itself"); err != nil {
		return err
	}
	if err := pivot(); err != nil {
		return err
	}
	// Last: the root itself becomes read-only, so the jail cannot create
	// files anywhere but /tmp.
	return mount("", "/", "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "", "/", "remount ro")
}

// pivot makes the scratch tmpfs the root and detaches the old one.
// pivot_root(".", ".") stacks the old root on top of the new one, and the
// umount of "." then removes exactly that: no put_old directory is ever
// created, so there is nothing to rmdir afterwards (runc does the same).
func pivot() error {
	if err := unix.Chdir(scratch); err != nil {
		return &MountError{Op: "chdir", Target: scratch, Err: err}
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return &MountError{Op: "pivot_root", Source: scratch, Target: "/", Err: err}
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &MountError{Op: "umount", Step: "old root", Target: "/", Flags: "MNT_DETACH", Err: err}
	}
	if err := unix.Chdir("/"); err != nil {
		return &MountError{Op: "chdir", Target: "/", Err: err}
	}
	return nil
}

// requireUserNS refuses to run in the initial user namespace, where the
// mounts below would land in the host's own mount namespace (the first
// one would make every host mount private).
func requireUserNS() error {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return fmt.Errorf("rootfs: Enter: cannot read /proc/self/uid_map to check for a user namespace: %w", err)
	}
	if bytes.Equal(bytes.Join(bytes.Fields(b), []byte(" ")), []byte("0 0 4294967295")) {
		return fmt.Errorf("rootfs: Enter must run in a new user namespace; refusing to change the host's mounts")
	}
	return nil
}

// mount calls mount(2); where is the jail path the error names (target may
// still be under scratch) and step says what the call was for.
func mount(source, target, fstype string, flags uintptr, data, where, step string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		op := "mount"
		if flags&unix.MS_REMOUNT != 0 {
			op = "remount"
		}
		return &MountError{Op: op, Step: step, Source: source, Target: where, Flags: flagString(flags), Err: err}
	}
	return nil
}

// builder creates paths in the scratch root; paths it takes are jail paths.
type builder struct {
	made       map[string]bool // directories known to exist in the new root
	proc       bool            // /proc/self/fd can name bind sources
	sealed     uint64          // mount ID of the host root made read-only by seal, 0 if none
	rootInodes int64           // inodes the root's skeleton uses
	rootBytes  int64           // tmpfs bytes the root's skeleton uses
	fds        map[string]int  // bind sources the caller opened (Options.SourceFDs)
}

// longLink is where tmpfs stops storing a symlink target in the inode and
// spends a page on it (SHORT_SYMLINK_LEN, 128), rounded down for safety.
const longLink = 100

func newBuilder(p *Plan) *builder {
	b := &builder{
		made: map[string]bool{"/": true},
		proc: unix.Access("/proc/self/fd", unix.F_OK) == nil,
	}
	// The root directory, /dev, its nodes, /tmp, every parent directory
	// and every entry but masks (which mount over existing directories):
	// counted exactly, so /tmp gets exactly TmpInodes.
	dirs := map[string]bool{}
	b.rootInodes = 1 + 1 + int64(len(devices)) + 1
	for _, e := range p.Entries {
		if e.Kind == Empty {
			continue // inside a bind: its directories are the host's
		}
		for d := filepath.Dir(e.Path); d != "/" && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
		b.rootInodes++
		if e.Kind == Symlink && len(e.Target) >= longLink {
			b.rootBytes += int64(os.Getpagesize())
		}
	}
	b.rootInodes += int64(len(dirs))
	return b
}

func (b *builder) entry(e Entry) error {
	switch e.Kind {
	case Dir, File:
		return b.bind(e)
	case Symlink:
		if err := b.mkdirs(filepath.Dir(e.Path)); err != nil {
			return err
		}
		if err := unix.Symlink(e.Target, scratch+e.Path); err != nil {
			return &MountError{Op: "symlink", Source: e.Target, Target: e.Path, Err: err}
		}
		return nil
	case Empty:
		// Over a directory inside a read-only bind: the mount point
		// exists already, and a read-only tmpfs of one inode is empty
		// for good.
		return mount("tmpfs", scratch+e.Path, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0555,size=4k,nr_inodes=2", e.Path, "empty mask")
	}
	return fmt.Errorf("rootfs: entry %s: unknown kind %q", e.Path, e.Kind)
}

// mkdirs creates dir and its missing parents in the new root.
func (b *builder) mkdirs(dir string) error {
	if b.made[dir] {
		return nil
	}
	if err := b.mkdirs(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := unix.Mkdir(scratch+dir, 0o755); err != nil && err != unix.EEXIST {
		return &MountError{Op: "mkdir", Target: dir, Err: err}
	}
	b.made[dir] = true
	return nil
}
