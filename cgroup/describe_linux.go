package cgroup

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/containerd/cgroups/v3"
)

// Host is what jailpy doctor shows of the host's cgroups, beyond the
// mode a run would get: where each controller lives and whether this user
// has a cgroup of its own to pass as --cgroup-parent.
type Host struct {
	Layout        string   // "unified" (v2 only), "hybrid" (v1 and v2 side by side), "legacy" (v1 only), "none"
	V2Mount       string   // the cgroup2 mount, or ""
	V2Controllers []string // offered at the v2 mount's root
	V1Controllers []string // controllers with a v1 hierarchy mounted
	Own           string   // this process's v2 cgroup ("/user.slice/...")
	OwnDelegated  bool     // Own's directory belongs to this user: it may make cgroups under it
	OwnOffers     []string // controllers Own's cgroup.controllers offers its children
}

// Describe reads the host's cgroup layout; it changes nothing.
func Describe() Host {
	var h Host
	switch cgroups.Mode() {
	case cgroups.Unified:
		h.Layout = "unified"
	case cgroups.Hybrid:
		h.Layout = "hybrid"
	case cgroups.Legacy:
		h.Layout = "legacy"
	default:
		h.Layout = "none"
	}
	if m, err := v2Mount(); err == nil {
		h.V2Mount = m
		h.V2Controllers = words(m + "/cgroup.controllers")
		if _, own, err := cgroups.ParseCgroupFileUnified("/proc/self/cgroup"); err == nil && own != "" {
			h.Own = own
			dir := path.Join(m, own)
			if fi, err := os.Stat(dir); err == nil {
				if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == os.Geteuid() {
					h.OwnDelegated = true
				}
			}
			h.OwnOffers = words(dir + "/cgroup.controllers")
		}
	}
	h.V1Controllers = v1Controllers()
	return h
}

// String is one line for doctor.
func (h Host) String() string {
	s := "host " + h.Layout
	if h.V2Mount != "" {
		s += fmt.Sprintf("; v2 at %s offers %s", h.V2Mount, list(h.V2Controllers))
	}
	if len(h.V1Controllers) > 0 {
		s += "; v1 has " + strings.Join(h.V1Controllers, ", ")
	}
	if h.Own != "" {
		who := "not this user's"
		if h.OwnDelegated {
			who = "delegated to this user"
		}
		s += fmt.Sprintf("; this process is in v2 cgroup %s (%s, offers %s)", h.Own, who, list(h.OwnOffers))
	}
	return s
}

func list(names []string) string {
	if len(names) == 0 {
		return "no controllers"
	}
	return strings.Join(names, ", ")
}

// words reads a space-separated cgroup file; nil if unreadable.
func words(file string) []string {
	b, err := readFile(file)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// v1Controllers lists the controllers of the v1 hierarchies mounted.
func v1Controllers() []string {
	var out []string
	_ = eachV1Mount(func(_ v1Mount, opts []string) {
		for _, opt := range opts {
			switch opt {
			case "rw", "ro", "nosuid", "nodev", "noexec", "relatime", "xattr", "clone_children", "noprefix":
				continue
			}
			if !strings.Contains(opt, "=") {
				out = append(out, opt)
			}
		}
	})
	slices.Sort(out)
	return slices.Compact(out)
}
