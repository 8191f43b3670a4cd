package cgroup

import "testing"

// BenchmarkNewDelete is the cgroup's share of every run: Reap at start,
// New with the default limits, Stats, Delete of an empty cgroup.
func BenchmarkNewDelete(b *testing.B) {
	if _, err := probeV1(Options{}); err != nil {
		if _, err2 := probeV2(Options{}); err2 != nil {
			b.Skipf("needs root and cgroup v1 or v2: %v; %v", err, err2)
		}
	}
	lim := Limits{MemoryBytes: 256 << 20, Pids: 16}
	for b.Loop() {
		if _, err := Reap(Options{}); err != nil {
			b.Fatal(err)
		}
		c, err := New(Options{}, lim)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Stats(); err != nil {
			b.Fatal(err)
		}
		if err := c.Delete(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewOnly and BenchmarkDeleteOnly split the cost.
func BenchmarkNewOnly(b *testing.B) {
	benchSplit(b, true)
}

func BenchmarkDeleteOnly(b *testing.B) {
	benchSplit(b, false)
}

func benchSplit(b *testing.B, timeNew bool) {
	if _, err := probeV1(Options{}); err != nil {
		if _, err2 := probeV2(Options{}); err2 != nil {
			b.Skipf("needs root and cgroup v1 or v2: %v; %v", err, err2)
		}
	}
	lim := Limits{MemoryBytes: 256 << 20, Pids: 16}
	for b.Loop() {
		if !timeNew {
			b.StopTimer()
		}
		c, err := New(Options{}, lim)
		if err != nil {
			b.Fatal(err)
		}
		if timeNew {
			b.StopTimer()
		} else {
			b.StartTimer()
		}
		if err := c.Delete(); err != nil {
			b.Fatal(err)
		}
		if timeNew {
			b.StartTimer()
		}
	}
}
