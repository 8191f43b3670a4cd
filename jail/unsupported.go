//go:build !linux

package jail

import (
	"context"
	"errors"

	"github.com/jailpy/jailpy/rootfs"
)

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

// PlanFor fails closed off Linux, like Run.
func PlanFor(ctx context.Context, spec *Spec) (*rootfs.Plan, error) {
	return nil, errors.New("jailpy needs Linux: namespaces, cgroups and seccomp")
}

// RunBatch fails closed off Linux, like Run.
func RunBatch(ctx context.Context, spec *Spec, b Batch) Summary {
	return Summary{Stopped: "jailpy needs Linux: namespaces, cgroups and seccomp", Err: errors.New("jailpy needs Linux")}
}
