package rootfs

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestMountErrorSaysWhere(t *testing.T) {
	err := error(&MountError{
		Op: "bind", Step: "remount ro",
		Source: "/usr/lib/python3.11", Target: "/usr/lib/python3.11",
		Flags: "MS_RDONLY|MS_REMOUNT|MS_BIND", Err: syscall.EPERM,
	})
	want := "rootfs: bind /usr/lib/python3.11 -> /usr/lib/python3.11: remount ro (MS_RDONLY|MS_REMOUNT|MS_BIND): operation not permitted"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	if !errors.Is(err, syscall.EPERM) {
		t.Errorf("errors.Is(err, EPERM) = false")
	}
	var me *MountError
	if !errors.As(err, &me) || me.Op != "bind" {
		t.Errorf("errors.As failed: %v", err)
	}
}

func TestValidateRejects(t *testing.T) {
	good := Entry{Kind: File, Path: "/usr/bin/python3", Source: "/usr/bin/python3"}
	for name, e := range map[string]Entry{
		"inside /tmp":   {Kind: File, Path: "/tmp/python3", Source: "/tmp/python3"},
		"inside /proc":  {Kind: Dir, Path: "/proc/1", Source: "/proc/1"},
		"/dev itself":   {Kind: Dir, Path: "/dev", Source: "/dev"},
		"relative":      {Kind: File, Path: "usr/bin/python3", Source: "/usr/bin/python3"},
		"unclean":       {Kind: File, Path: "/usr/../etc/shadow", Source: "/etc/shadow"},
		"the root":      {Kind: Dir, Path: "/", Source: "/"},
		"no source":     {Kind: File, Path: "/usr/bin/python3"},
		"no target":     {Kind: Symlink, Path: "/lib"},
		"unknown kind":  {Kind: "device", Path: "/usr/bin/python3"},
		"relative root": {Kind: Dir, Path: "/usr/lib", Source: "usr/lib"},
	} {
		p := &Plan{Python: "/usr/bin/python3", Entries: []Entry{good, e}}
		if err := p.validate(); err == nil {
			t.Errorf("%s: plan with %+v accepted", name, e)
		} else if !strings.HasPrefix(err.Error(), "rootfs: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
	if err := (&Plan{Python: "/usr/bin/python3", Entries: []Entry{good}}).validate(); err != nil {
		t.Errorf("good plan rejected: %v", err)
	}
}
