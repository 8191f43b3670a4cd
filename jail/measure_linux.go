package jail

import (
	"os"
	"syscall"
	"time"

	"github.com/jailpy/jailpy/cgroup"
)

// measure fills in o what the parent saw of the jail's end: its own kill
// reason, the wait status and rusage, the cgroup's OOM kills and peak.
// It returns the jail's CPU time. o.Report and o.Stderr must be set.
func (o *outcome) measure(killed *killReason, state *os.ProcessState, cg cgroup.Cgroup) (cpu time.Duration) {
	o.Killed = killed
	if killed != nil && killed.Status == StatusInternal && o.SetupErr == "" {
		o.SetupErr = killed.Message
	}
	if o.SetupErr != "" && !o.Report.Started {
		o.SetupErr += excerpt(o.Stderr) // what the init or Python said, if anything
	}
	if state != nil {
		o.Status = state.Sys().(syscall.WaitStatus)
		if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
			cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			o.MemoryPeak = uint64(ru.Maxrss) * 1024
		}
	} else if o.SetupErr == "" {
		o.SetupErr = "lost the jail's init process"
	}
	stats, err := cg.Stats()
	if err != nil && o.SetupErr == "" {
		o.SetupErr = "cgroup stats (an OOM kill could go unseen): " + err.Error()
	}
	o.OOMKills = stats.OOMKills
	if stats.MemoryPeak > 0 {
		o.MemoryPeak = stats.MemoryPeak
	}
	return cpu
}
