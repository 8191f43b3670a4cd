package jail

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/rootfs"
)

// Spec is everything one run needs. The caller (the CLI) validates user
// input; Run trusts a Spec's shape but not the code it carries.
type Spec struct {
	Source   []byte          // the user's Python file, as uploaded
	Filename string          // name the code sees in tracebacks, e.g. "user.py"
	Func     string          // the function to call
	Args     json.RawMessage // a JSON array of positional arguments
	Kwargs   json.RawMessage // a JSON object of keyword arguments; nil = {}
	Python   string          // the interpreter, already resolved (rootfs.Resolve)
	Limits   Limits
	Cgroup   cgroup.Options
	// UID and GID are the unprivileged host ids the jail runs as when
	// jailpy runs as root. An ordinary user's jail runs as that user.
	UID, GID int
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

// job is the first line the wrapper reads on its fd 3; the user's source
// follows it raw, so a coding cookie or odd bytes reach compile() intact.
type job struct {
	Func     string          `json:"func"`
	Filename string          `json:"filename"`
	Module   string          `json:"module"`
	Args     json.RawMessage `json:"args"`
	Kwargs   json.RawMessage `json:"kwargs"`
}

// jobBytes frames the job for the wrapper: json.Marshal compacts the raw
// arguments, so the header is one line.
func (s *Spec) jobBytes() ([]byte, error) {
	kwargs := s.Kwargs
	if len(kwargs) == 0 {
		kwargs = json.RawMessage("{}")
	}
	args := s.Args
	if len(args) == 0 {
		args = json.RawMessage("[]")
	}
	name := filepath.Base(s.Filename)
	head, err := json.Marshal(job{
		Func: s.Func, Filename: name, Module: strings.TrimSuffix(name, ".py"),
		Args: args, Kwargs: kwargs,
	})
	if err != nil {
		return nil, err
	}
	return append(append(head, '\n'), s.Source...), nil
}

// pythonArgv is how the interpreter starts: isolated (-I: no environment,
// no user site, no script dir on sys.path), no site module (-S: faster,
// and nothing from site-packages), no .pyc writes (-B: the root is
// read-only anyway), unbuffered (-u: output printed before a kill is kept).
func pythonArgv(python string) []string {
	return []string{python, "-I", "-S", "-B", "-u", "-c", wrapperSource}
}

// pythonEnv is the jail's whole environment: nothing of the caller's.
func pythonEnv(extra []string) []string {
	// HOME, USER and LOGNAME spare the stdlib a passwd lookup (glibc
	// would try nscd's socket, a violation) in expanduser and getpass.
	env := []string{"LC_ALL=C.UTF-8", "HOME=/tmp", "USER=jail", "LOGNAME=jail", "TMPDIR=/tmp", "PATH=/nonexistent"}
	return append(env, extra...)
}
