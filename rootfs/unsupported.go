//go:build !linux

package rootfs

import (
	"errors"
	"os"
)

// errUnsupported is returned on every platform but Linux: the jail needs
// Linux namespaces and mount(2).
var errUnsupported = errors.New("rootfs: the jail's filesystem needs Linux")

// Enter fails: there is no jail filesystem outside Linux.
func Enter(p *Plan, opts Options) error { return errUnsupported }

// stamp is a placeholder: without Linux the cache is never used.
type stamp struct {
	Path string `json:"p"`
}

func stampOf(path string) stamp { return stamp{Path: path} }

// trusted rejects every cache outside Linux, so plans are always rebuilt.
func trusted(os.FileInfo) error { return errUnsupported }
