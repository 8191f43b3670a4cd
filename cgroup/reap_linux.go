package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Reap removes the run cgroups that a jailpy which crashed or was
// SIGKILLed left under the parents opts point to: it kills what still runs
// in them, then removes them. It returns how many runs it removed.
//
// A run cgroup is stale when its owner (the pid and start time in its
// name) is gone, a zombie, or its pid now belongs to a younger process.
// Live runs, concurrent ones included, are never touched; neither is
// anything not named like a run cgroup. Reap is meant for every start: it
// reads each parent directory once and, for each run cgroup in it, one
// /proc/<pid>/stat.
//
// Owners are looked up in this process's pid namespace: jailpy processes
// that share a parent must share a pid namespace.
func Reap(opts Options) (removed int, err error) {
	want, err := opts.want()
	if err != nil {
		return 0, err
	}
	if err := opts.check(); err != nil {
		return 0, err
	}
	type site struct {
		mode    Mode
		parents []string
	}
	var sites []site
	if want == auto || want == V2 {
		l, err := probeV2(opts)
		switch {
		case err == nil:
			sites = append(sites, site{V2, []string{l.dir()}})
		case want == V2:
			return 0, err
		}
	}
	if want == auto || want == V1 {
		l, err := probeV1(opts)
		switch {
		case err == nil:
			sites = append(sites, site{V1, l.parents[:]})
		case want == V1:
			return 0, err
		}
	}
	var errs []error
	for _, s := range sites {
		n, err := reap(s.mode, s.parents)
		removed += n
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}

// reap removes the stale run cgroups of one mode's parents. A v1 run has
// a directory in each parent; it counts once.
func reap(mode Mode, parents []string) (int, error) {
	deadline := time.Now().Add(deleteTimeout)
	gone := map[string]bool{}
	var errs []error
	for _, parent := range parents {
		entries, err := os.ReadDir(parent)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("cgroup %s: reap: %w", mode, err))
			continue
		}
		for _, e := range entries {
			pid, start, ok := parseRunName(e.Name())
			if !ok || !e.IsDir() || ownerAlive(pid, start) {
				continue
			}
			dir := parent + "/" + e.Name()
			err := kill(mode, []string{dir}, deadline)
			if err == nil {
				err = removeDir(mode, dir, deadline)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("cgroup %s: reap %s: %w", mode, dir, err))
				continue
			}
			gone[e.Name()] = true
		}
	}
	return len(gone), errors.Join(errs...)
}

// ownerAlive says whether the jailpy that named a run cgroup still runs.
// When /proc cannot answer it says yes: a stale cgroup kept for one more
// run costs nothing, a live one removed kills someone's run.
func ownerAlive(pid int, start uint64) bool {
	state, now, err := procStat(pid)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	return now == start && state != 'Z' && state != 'X'
}
