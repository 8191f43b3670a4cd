package jail

// Timings is where one run's time went, in milliseconds, stage by stage,
// in the order they happen. The stages add up to Total. Stages the run
// never reached (a set-up failure, a kill) are 0. The init's and the
// wrapper's stages are clocked on the host's monotonic clock, which the
// jail shares (it has no time namespace); they are for reading, and no
// decision rests on them.
type Timings struct {
	Plan     float64 `json:"plan"`     // the interpreter's mount plan (from the cache)
	Seccomp  float64 `json:"seccomp"`  // the filter's BPF program
	Cgroup   float64 `json:"cgroup"`   // reaping stale cgroups, making the run's
	Clone    float64 `json:"clone"`    // channels, clone into the namespaces, the init's start
	Handoff  float64 `json:"handoff"`  // the init receives its config and bind sources
	Mounts   float64 `json:"mounts"`   // tmpfs root, binds, pivot_root, read-only remount
	Confine  float64 `json:"confine"`  // hostname, rlimits, fds, capabilities, no_new_privs, seccomp load
	Exec     float64 `json:"exec"`     // the listener reaches the parent, which allows the execve
	Python   float64 `json:"python"`   // the interpreter's start-up and the wrapper reading the job
	Wrapper  float64 `json:"wrapper"`  // compiling and running the user's module and function, the result
	Teardown float64 `json:"teardown"` // exit, wait, cgroup stats and removal
	Total    float64 `json:"total"`
}
