//go:build !linux

package cgroup

import (
	"errors"
	"runtime"
)

// errUnsupported is what every mode but none gives off Linux.
var errUnsupported = errors.New("cgroup: cgroups need Linux, this is " + runtime.GOOS)

// New makes the cgroup of one run. Off Linux only Want "none" works; auto
// returns a None cgroup that says why.
func New(opts Options, lim Limits) (Cgroup, error) {
	want, err := opts.want()
	if err != nil {
		return nil, err
	}
	switch want {
	case None:
		return none{}, nil
	case auto:
		return none{reason: errUnsupported.Error()}, nil
	}
	return nil, errUnsupported
}

// Detect says which mode auto would pick here, and why: none, off Linux.
func Detect() (mode Mode, reason string) { return None, errUnsupported.Error() }

// DetectFor is Detect for given options.
func DetectFor(Options) (mode Mode, reason string) { return Detect() }

// Reap removes stale run cgroups: there are none off Linux.
func Reap(Options) (removed int, err error) { return 0, nil }

// Host is the host's cgroup layout; there is none off Linux.
type Host struct{ Layout string }

// Describe says there are no cgroups off Linux.
func Describe() Host { return Host{Layout: "none"} }

// String is one line for doctor.
func (h Host) String() string { return "host " + h.Layout }
