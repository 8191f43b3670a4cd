package jail

import "testing"

// A stage never reached is 0 and the next reached one starts where the
// last reached one ended, so the stages always add up to the total.
func TestClockSkipsUnreachedStages(t *testing.T) {
	ms := int64(1e6)
	c := clock{start: 10 * ms, planned: 11 * ms, compiled: 0, cgrouped: 13 * ms,
		init: initTimes{Started: 16 * ms}, end: 20 * ms}
	tm := c.timings()
	if tm.Plan != 1 || tm.Seccomp != 0 || tm.Cgroup != 2 || tm.Clone != 3 || tm.Handoff != 0 || tm.Teardown != 4 || tm.Total != 10 {
		t.Fatalf("timings %+v", tm)
	}
	if got := parseInitTimes(initTimes{1, 2, 3, 4}.bytes()); got != (initTimes{1, 2, 3, 4}) {
		t.Fatalf("init times round trip: %+v", got)
	}
	if got := parseInitTimes([]byte{1, 2}); got != (initTimes{}) {
		t.Fatalf("short message: %+v", got)
	}
}
