//go:build linux

package rootfs

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestLockedFlags(t *testing.T) {
	for _, c := range []struct {
		st   int64
		want uintptr
	}{
		{unix.ST_NOSUID | unix.ST_NODEV | unix.ST_RELATIME, unix.MS_NOSUID | unix.MS_NODEV | unix.MS_RELATIME},
		{unix.ST_NOEXEC | unix.ST_NOATIME | unix.ST_NODIRATIME, unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_NODIRATIME},
		// No atime flag at all is strictatime, which must be said.
		{unix.ST_RDONLY, unix.MS_STRICTATIME},
	} {
		if got := lockedFlags(c.st); got != c.want {
			t.Errorf("lockedFlags(%#x) = %s, want %s", c.st, flagString(got), flagString(c.want))
		}
	}
}

func TestFlagString(t *testing.T) {
	if got := flagString(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | 1<<30); got != "MS_RDONLY|MS_REMOUNT|MS_BIND|0x40000000" {
		t.Errorf("flagString = %s", got)
	}
}

// TestRequireUserNS checks the guard that keeps a misplaced Enter from
// making the host's mounts private and its root read-only. It calls the
// guard alone: calling Enter here would be the very accident.
func TestRequireUserNS(t *testing.T) {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil || strings.Join(strings.Fields(string(b)), " ") != "0 0 4294967295" {
		t.Skipf("needs to run in the initial user namespace (uid_map %q, %v)", b, err)
	}
	if err := requireUserNS(); err == nil {
		t.Fatal("requireUserNS accepted the initial user namespace")
	}
}
