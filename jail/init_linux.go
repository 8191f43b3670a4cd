package jail

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/internal/fault"
	"github.com/jailpy/jailpy/rootfs"
	"github.com/jailpy/jailpy/seccomp"
)

// initArg0 is argv[0] of the re-executed jailpy that becomes the jail's
// init. It is checked before any CLI parsing, so no flag or subcommand can
// reach it.
const initArg0 = "jailpy-init"

// File descriptors of the init. 3 to 5 are already where the wrapper
// expects them, so nothing has to be moved before exec.
const (
	fdJob    = 3 // wrapper reads the job here
	fdResult = 4 // wrapper writes the result here
	fdFrames = 5 // a batch's shared frame buffer; closed for one call
	fdConfig = 6 // init reads initConfig here
	fdSync   = 7 // init reports errors and sends the seccomp listener here
)

// IsInit reports whether this process is a jail's init: the re-executed
// binary, pid 1 of a fresh pid namespace.
func IsInit() bool {
	return len(os.Args) == 1 && os.Args[0] == initArg0 && os.Getpid() == 1
}

func init() {
	if IsInit() {
		// Every step below acts on the calling thread (capabilities,
		// no_new_privs, the seccomp filter), and execve must come from the
		// same thread, so the init never leaves the main thread.
		runtime.LockOSThread()
	}
}

// Init is the jail's recipe, run once inside the new namespaces. Every
// step is ordered for a reason given beside it. It never returns: it execs
// the interpreter or exits after reporting the failed stage to the parent.
func Init() {
	var clk initTimes // for the verdict's timings, sent with the listener
	clk.Started = monotonic()
	cfg, err := readConfig()
	check("config", err)
	fault.Point("i-config")
	cfg.FS.SourceFDs, err = recvSources(cfg.Plan)
	check("bind sources", err)
	clk.Configured = monotonic()

	// In the cgroup already (the parent added us before sending the
	// config), so the new cgroup namespace is rooted at the run's cgroup.
	check("cgroup namespace", unix.Unshare(unix.CLONE_NEWCGROUP))

	// Needs CAP_SYS_ADMIN in our user namespace: before the drop.
	check("rootfs", rootfs.Enter(cfg.Plan, cfg.FS))
	fault.Point("i-rootfs")
	clk.Mounted = monotonic()
	for _, fd := range cfg.FS.SourceFDs {
		unix.Close(fd) // host files: the jail has them mounted, no longer open
	}

	check("hostname", unix.Sethostname([]byte(cfg.Hostname)))
	check("domainname", unix.Setdomainname([]byte(cfg.Hostname)))

	for _, rl := range cfg.Rlimits {
		lim := unix.Rlimit{Cur: rl.Cur, Max: rl.Max}
		check(fmt.Sprintf("rlimit %d", rl.Resource), unix.Setrlimit(rl.Resource, &lim))
	}

	// 0-5 are what the wrapper uses; everything else, the sync socket
	// included, closes at exec. CLOEXEC rather than close: the sync socket
	// must stay open until exec succeeds.
	check("close fds", unix.CloseRange(fdConfig, ^uint(0), unix.CLOSE_RANGE_CLOEXEC))

	check("capabilities", dropCapabilities())
	fault.Point("i-caps")

	// no_new_privs: exec can never grant privileges again (setuid files,
	// file capabilities), and it lets an unprivileged task load seccomp.
	check("no_new_privs", unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))

	// Re-armed because credential changes clear it; the sync socket
	// below fails if the parent is already gone.
	check("parent death signal", unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0))

	// Last, as close to execve as possible: from here on every syscall
	// of this thread passes the filter.
	listener, err := seccomp.Load(cfg.Seccomp)
	check("seccomp", err)
	clk.Confined = monotonic()
	msg := append([]byte{'L'}, clk.bytes()...)
	check("seccomp listener", unix.Sendmsg(fdSync, msg, unix.UnixRights(listener), nil, 0))
	unix.Close(listener)

	// Blocks in the filter until the parent allows this one execve.
	err = unix.Exec(cfg.Argv[0], cfg.Argv, cfg.Env)
	check("exec "+cfg.Argv[0], err)
}

// readConfig reads the parent's initConfig until EOF. Raw reads, not
// os.File: nothing here should involve the runtime's poller.
func readConfig() (*initConfig, error) {
	var data []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fdConfig, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		data = append(data, buf[:n]...)
	}
	unix.Close(fdConfig)
	var cfg initConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, err
	}
	if cfg.Plan == nil || len(cfg.Argv) == 0 || len(cfg.Seccomp) == 0 {
		return nil, fmt.Errorf("incomplete config")
	}
	return &cfg, nil
}

// recvSources receives the plan's bind sources, which the parent opened
// and sent on the sync socket before the config, in plan order.
func recvSources(p *rootfs.Plan) (map[string]int, error) {
	want := p.BindSources()
	fds := make(map[string]int, len(want))
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4*256))
	for len(fds) < len(want) {
		_, oobn, _, _, err := unix.Recvmsg(fdSync, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 || buf[0] != 'F' {
			return nil, fmt.Errorf("expected bind sources from the parent")
		}
		got, err := unix.ParseUnixRights(&msgs[0])
		if err != nil {
			return nil, err
		}
		for _, fd := range got {
			if len(fds) == len(want) {
				return nil, fmt.Errorf("more bind sources than the plan has")
			}
			fds[want[len(fds)].Source] = fd
		}
	}
	return fds, nil
}

// check reports a failed stage to the parent as "stage: error" and exits;
// the parent turns it into an internal verdict.
func check(stage string, err error) {
	if err == nil {
		return
	}
	msg := []byte("E" + stage + ": " + err.Error())
	unix.Sendmsg(fdSync, msg, nil, nil, 0)
	unix.Exit(1)
}
