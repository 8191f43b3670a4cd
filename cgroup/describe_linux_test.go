package cgroup

import (
	"slices"
	"strings"
	"testing"

	"github.com/containerd/cgroups/v3"
)

// Describe agrees with the mode the library detects, and finds the v1
// memory hierarchy where v1 runs would use it.
func TestDescribeThisHost(t *testing.T) {
	h := Describe()
	want := map[cgroups.CGMode]string{cgroups.Unified: "unified", cgroups.Hybrid: "hybrid", cgroups.Legacy: "legacy", cgroups.Unavailable: "none"}[cgroups.Mode()]
	if h.Layout != want {
		t.Fatalf("layout %q, want %q", h.Layout, want)
	}
	if (h.Layout == "unified" || h.Layout == "hybrid") && (h.V2Mount == "" || h.Own == "") {
		t.Errorf("v2 host without a mount or own cgroup: %+v", h)
	}
	if _, err := probeV1(Options{}); err == nil && !slices.Contains(h.V1Controllers, "memory") {
		t.Errorf("v1 runs are possible but Describe lists no memory hierarchy: %+v", h)
	}
	if s := h.String(); !strings.HasPrefix(s, "host "+h.Layout) {
		t.Errorf("String: %q", s)
	}
}
