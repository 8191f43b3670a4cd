//go:build !linux

package jail

import "context"

// IsInit reports whether this process is a jail's init; never, off Linux.
func IsInit() bool { return false }

// Init is the jail's init; there is none off Linux.
func Init() {}

// Run fails closed: jailpy's layers are Linux namespaces, cgroups and
// seccomp.
func Run(ctx context.Context, spec *Spec) *Result {
	r := internalResult("jailpy needs Linux: namespaces, cgroups and seccomp")
	r.Version = Version
	return r
}
