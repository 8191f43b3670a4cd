package jail

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// processCPUClock reads the CPU time of every thread of pid, living and
// exited, from its process CPU clock: nanosecond precision, one system
// call, unlike /proc/PID/stat's 10 ms ticks.
func processCPUClock(pid int) (time.Duration, error) {
	var ts unix.Timespec
	clock := (^int32(pid))<<3 | 2 // MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
	if err := unix.ClockGettime(clock, &ts); err != nil {
		return 0, err
	}
	return time.Duration(ts.Nano()), nil
}

// markCPU starts the head call's CPU account at the jail's CPU time now:
// called at the end of each burst of frames, while that call runs. Only a
// burst that answered a call starts a new account; frames that answer
// nothing (duplicates) leave the running one as it is.
func (s *session) markCPU(pid int) {
	s.fmu.Lock()
	advanced := s.advanced
	s.advanced = false
	s.fmu.Unlock()
	if s.lim.CPU == nil || !advanced {
		return
	}
	if used, err := processCPUClock(pid); err == nil {
		s.fmu.Lock()
		s.cpuBase = used
		s.fmu.Unlock()
	}
}

// watchCallCPU ends the jail when its running call has used its CPU
// limit. Like watchCPU it sleeps until the earliest moment that could
// happen, so short calls are never sampled. Between calls the account
// runs on: CPU burnt by code left running after its call returned counts
// against the next call, whose verdict it becomes.
func (s *session) watchCallCPU(pid int, limit time.Duration, stop <-chan struct{}) {
	parallel := time.Duration(runtime.NumCPU())
	if p := deref(s.lim.Pids); p > 0 && time.Duration(p) < parallel {
		parallel = time.Duration(p)
	}
	wait := limit / parallel
	for {
		t := time.NewTimer(max(wait, 2*time.Millisecond))
		select {
		case <-stop:
			t.Stop()
			return
		case <-t.C:
		}
		used, err := processCPUClock(pid)
		if err != nil {
			return
		}
		s.fmu.Lock()
		used -= s.cpuBase
		s.fmu.Unlock()
		if s.emitting.Load() {
			// jailpy is behind (a caller slow to read): the calls whose
			// frames wait in the pipe finished; their CPU is not the
			// running call's. The account is re-based once it catches up.
			wait = limit / parallel
			continue
		}
		if used >= limit {
			s.kill(killReason{Status: StatusTimeout, Limit: "cpu"})
			return
		}
		wait = (limit - used) / parallel
	}
}
