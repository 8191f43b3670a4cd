package jail

import (
	"bytes"
	"encoding/json"
	"path/filepath"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/rootfs"
)

// Spec is everything one run needs. The caller (the CLI) validates user
// input; Run trusts a Spec's shape but not the code it carries.
type Spec struct {
	Source   []byte          // the user's Python file, as uploaded
	Filename string          // name the code sees in tracebacks, e.g. "user.py"
	Func     string          // the function to call
	Args     json.RawMessage // a JSON array of positional arguments; nil = []
	Kwargs   json.RawMessage // a JSON object of keyword arguments; nil = {}
	Python   string          // the interpreter, already resolved (rootfs.Resolve)
	Limits   Limits
	Cgroup   cgroup.Options
	// UID and GID are the unprivileged host ids the jail runs as when
	// jailpy runs as root. An ordinary user's jail runs as that user.
	UID, GID int
	// Timings asks for the run's stage-by-stage timings in the verdict.
	Timings bool
	// Policy, when set, is checked against the source before it runs.
	Policy *Policy
	// Observe, when set, is called once the jail's init has started, so a
	// supervisor (jailpy selftest) can check afterwards that nothing of
	// the run is left on the host. It must return quickly.
	Observe func(Started)
}

// Started names what a run has made on the host.
type Started struct {
	Pid     int      // host pid of the jail's init
	PidNS   string   // its pid namespace, as /proc/PID/ns/pid reads ("pid:[4026532…]")
	Cgroups []string // the run cgroup's directories; none without one
}

// DefaultHostID is the host uid and gid a root-started jail runs as:
// nobody/nogroup on Debian and most distributions.
const DefaultHostID = 65534

// initConfig is what the parent sends the init on its config fd: every
// decision is made in the parent so the init only carries it out.
type initConfig struct {
	Plan     *rootfs.Plan   `json:"plan"`
	FS       rootfs.Options `json:"fs"`
	Rlimits  []rlimit       `json:"rlimits"`
	Seccomp  []byte         `json:"seccomp"` // BPF program, see seccomp.Build
	Argv     []string       `json:"argv"`
	Env      []string       `json:"env"`
	Hostname string         `json:"hostname"`
}

// job is the first line the wrapper reads on its fd 3. The arguments
// follow on a line each and the user's source after them, raw, so a
// coding cookie or odd bytes reach compile() intact.
type job struct {
	Func     string  `json:"func"`
	Filename string  `json:"filename"`
	Policy   *Policy `json:"policy,omitempty"`
}

// jobBytes frames the job for the wrapper. Compact JSON has no newline
// outside strings (which escape it), so each part is one line.
func (s *Spec) jobBytes() ([]byte, error) {
	head, err := json.Marshal(job{Func: s.Func, Filename: filepath.Base(s.Filename), Policy: s.Policy})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(head) + len(s.Args) + len(s.Kwargs) + len(s.Source) + 8)
	b.Write(head)
	for _, part := range []json.RawMessage{orDefault(s.Args, "[]"), orDefault(s.Kwargs, "{}")} {
		b.WriteByte('\n')
		if err := json.Compact(&b, part); err != nil {
			return nil, err
		}
	}
	b.WriteByte('\n')
	b.Write(s.Source)
	return b.Bytes(), nil
}

func orDefault(m json.RawMessage, def string) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage(def)
	}
	return m
}

// pythonEnv is the jail's whole environment: nothing of the caller's.
func pythonEnv(extra []string) []string {
	// HOME, USER and LOGNAME spare the stdlib a passwd lookup (glibc
	// would try nscd's socket, a violation) in expanduser and getpass.
	// MALLOC_ARENA_MAX keeps glibc from reserving 64 MiB of address space
	// per thread, which RLIMIT_AS counts when there is no cgroup.
	env := []string{"LC_ALL=C.UTF-8", "HOME=/tmp", "USER=jail", "LOGNAME=jail", "TMPDIR=/tmp", "PATH=/nonexistent", "MALLOC_ARENA_MAX=2"}
	return append(env, extra...)
}
