package jail

import (
	"golang.org/x/sys/unix"
)

// secureBits make the uid 0 of the jail's user namespace an ordinary user
// for exec: no capabilities granted for being root, none kept or raised,
// and all of it locked so it cannot be undone.
// The bit numbers are linux/securebits.h's; x/sys/unix does not carry them.
const secureBits = 1<<0 | 1<<1 | // SECURE_NOROOT, _LOCKED
	1<<2 | 1<<3 | // SECURE_NO_SETUID_FIXUP, _LOCKED
	1<<5 | // SECURE_KEEP_CAPS_LOCKED (KEEP_CAPS itself off)
	1<<6 | 1<<7 // SECURE_NO_CAP_AMBIENT_RAISE, _LOCKED

// dropCapabilities leaves the thread with no capability in any set, and
// makes sure the exec that follows cannot give any back. The jail's user
// is uid 0 of its namespace (the only id a rootless user may map), so an
// empty bounding set and SECBIT_NOROOT are what keep exec from restoring a
// full set.
func dropCapabilities() error {
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, secureBits, 0, 0, 0); err != nil {
		return err
	}
	// Needs CAP_SETPCAP, so before capset empties the effective set.
	for c := 0; ; c++ {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if err == unix.EINVAL {
			break // past the kernel's last capability
		}
		if err != nil {
			return err
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	return unix.Capset(&hdr, &data[0])
}
