package cgroup

import (
	"fmt"
	"strings"
)

// New makes the cgroup of one run with its limits.
//
// It fails closed: with Want "v2" or "v1", an error says which layer could
// not be set up and why. With auto it tries v2, then v1, and when neither
// works returns a None cgroup whose Reason says why each failed; the
// caller then bounds the run with rlimits and reports that.
func New(opts Options, lim Limits) (Cgroup, error) {
	want, err := opts.want()
	if err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if err := lim.check(); err != nil {
		return nil, err
	}
	switch want {
	case None:
		return none{}, nil
	case V2:
		return newV2(opts, lim, "")
	case V1:
		return newV1(opts, lim, "")
	}
	g, err2 := newV2(opts, lim, "")
	if err2 == nil {
		return g, nil
	}
	g, err1 := newV1(opts, lim, err2.Error())
	if err1 == nil {
		return g, nil
	}
	return none{reason: err2.Error() + "; " + err1.Error()}, nil
}

// newV2 and newV1 return a nil interface, not a nil *group, on error.
func newV2(opts Options, lim Limits, reason string) (Cgroup, error) {
	l, err := probeV2(opts)
	if err != nil {
		return nil, err
	}
	g, err := createV2(l, lim, reason)
	if err != nil {
		return nil, err
	}
	return g, nil
}

func newV1(opts Options, lim Limits, reason string) (Cgroup, error) {
	l, err := probeV1(opts)
	if err != nil {
		return nil, err
	}
	g, err := createV1(l, lim, reason)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Detect says which mode auto would pick on this host with the default
// parent, and why, without creating or changing anything. For jailpy doctor.
func Detect() (mode Mode, reason string) { return DetectFor(Options{}) }

// DetectFor is Detect for given options, such as a --cgroup-parent.
func DetectFor(opts Options) (mode Mode, reason string) {
	want, err := opts.want()
	if err == nil {
		err = opts.check()
	}
	if err != nil {
		return None, err.Error()
	}
	if want == None {
		return None, "cgroups turned off (--cgroup none)"
	}
	var err2 error
	if want == auto || want == V2 {
		l, err := probeV2(opts)
		if err == nil {
			return V2, fmt.Sprintf("cgroup v2: run cgroups under %s (%s)", l.dir(), strings.Join(l.need, ", "))
		}
		if want == V2 {
			return None, err.Error()
		}
		err2 = err
	}
	l, err := probeV1(opts)
	if err != nil {
		if err2 != nil {
			return None, err2.Error() + "; " + err.Error()
		}
		return None, err.Error()
	}
	reason = fmt.Sprintf("cgroup v1: run cgroups under %s and %s", l.parents[0], l.parents[1])
	if err2 != nil {
		reason += "; " + err2.Error()
	}
	return V1, reason
}
