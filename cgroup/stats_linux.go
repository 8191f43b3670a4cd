package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
)

// Stats reads two files, not the whole memory.stat: it runs on every
// run's hot path, between the child's exit and the verdict.
func (g *group) Stats() (Stats, error) {
	if g.memory == "" {
		return Stats{}, nil
	}
	var (
		s   Stats
		err error
	)
	switch g.mode {
	case V2:
		s.MemoryPeak, err = readUint(g.memory + "/memory.peak")
		if errors.Is(err, fs.ErrNotExist) {
			err = nil // Linux before 5.19: no peak, not an error
		}
		if err == nil {
			s.OOMKills, err = readKey(g.memory+"/memory.events", "oom_kill")
		}
	case V1:
		s.MemoryPeak, err = readUint(g.memory + "/memory.max_usage_in_bytes")
		if err == nil {
			s.OOMKills, err = readKey(g.memory+"/memory.oom_control", "oom_kill")
		}
	}
	if err != nil {
		return Stats{}, fmt.Errorf("cgroup %s: stats: %w", g.mode, err)
	}
	return s, nil
}
