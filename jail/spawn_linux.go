package jail

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/jailpy/jailpy/cgroup"
	"github.com/jailpy/jailpy/internal/fault"
	"github.com/jailpy/jailpy/rootfs"
)

// child is one started init and the parent's ends of its channels.
type child struct {
	cmd    *exec.Cmd
	sync   int      // parent end of the SOCK_SEQPACKET sync socket
	config *os.File // parent writes initConfig, then closes
	job    *os.File // parent writes the job, then closes
	result *os.File // wrapper's result channel
	stdout *os.File
	stderr *os.File
}

// namespaces are every namespace the jail gets at clone. The cgroup
// namespace comes later, from the init, once it is inside the run's cgroup.
const namespaces = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID |
	unix.CLONE_NEWNET | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS

// spawn starts the init: /proc/self/exe with the init token, in new
// namespaces, as uid 0 of a user namespace whose only mapped id is an
// unprivileged host id, born in the run's cgroup.
// The caller must keep the calling goroutine on its OS thread until the
// child is gone: the parent-death signal fires when the thread that
// cloned the child exits, not the process.
//
// frames is a batch's shared frame buffer, fd 5 of the jail; nil for one
// call, whose fd 5 stays closed.
func spawn(cg cgroup.Cgroup, uid, gid int, frames *os.File) (*child, error) {
	c := &child{sync: -1}
	var theirs []*os.File // child ends, closed here after start
	defer func() {
		for _, f := range theirs {
			f.Close()
		}
	}()
	pipe := func(parentReads bool) (*os.File, *os.File, error) {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		if parentReads {
			theirs = append(theirs, w)
			return r, w, nil
		}
		theirs = append(theirs, r)
		return w, r, nil
	}
	var jobR, resultW, configR, stdoutW, stderrW *os.File
	var err error
	fail := func(err error) (*child, error) {
		c.close() // the parent's ends made so far
		return nil, fmt.Errorf("jail channels: %w", err)
	}
	if c.job, jobR, err = pipe(false); err != nil {
		return fail(err)
	}
	if c.result, resultW, err = pipe(true); err != nil {
		return fail(err)
	}
	if c.config, configR, err = pipe(false); err != nil {
		return fail(err)
	}
	if c.stdout, stdoutW, err = pipe(true); err != nil {
		return fail(err)
	}
	if c.stderr, stderrW, err = pipe(true); err != nil {
		return fail(err)
	}
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fail(err)
	}
	c.sync = pair[0]
	syncTheirs := os.NewFile(uintptr(pair[1]), "sync")
	theirs = append(theirs, syncTheirs)

	root := os.Geteuid() == 0
	if !root {
		uid, gid = os.Geteuid(), os.Getegid() // the only ids an ordinary user may map
	}
	attr := &syscall.SysProcAttr{
		Cloneflags:  namespaces,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}},
		// uid 0 inside, so the exec of the init keeps its capabilities in
		// the new user namespace; as root, also drop the supplementary
		// groups inherited from the host (an ordinary user cannot).
		Credential:                 &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: !root},
		GidMappingsEnableSetgroups: root,
		Pdeathsig:                  syscall.SIGKILL,
	}
	if fd := cg.FD(); fd >= 0 {
		attr.UseCgroupFD, attr.CgroupFD = true, fd
	}
	c.cmd = &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{initArg0},
		// No preemption signals between seccomp load and exec; one P, so the
		// init needs few threads of the run's --pids.
		Env:         append([]string{"GODEBUG=asyncpreemptoff=1", "GOMAXPROCS=1"}, fault.Env()...),
		Stdout:      stdoutW,
		Stderr:      stderrW,
		ExtraFiles:  []*os.File{jobR, resultW, frames, configR, syncTheirs}, // fds 3 to 7
		SysProcAttr: attr,
	}
	// v1 has no CLONE_INTO_CGROUP: the cloning thread steps into the run
	// cgroup so the child is born there, then steps out. If it cannot step
	// out, it stays locked and dies with the run's goroutine.
	leave, err := cg.EnterThread()
	if err != nil {
		c.close()
		return nil, err
	}
	err = c.cmd.Start()
	if lerr := leave(); lerr != nil && err == nil {
		err = lerr
	}
	if err != nil {
		if c.cmd.Process != nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
		c.close()
		return nil, fmt.Errorf("start the jail (clone into new namespaces): %w", err)
	}
	return c, nil
}

// close releases the parent's ends; safe to call more than once.
func (c *child) close() {
	for _, f := range []*os.File{c.config, c.job, c.result, c.stdout, c.stderr} {
		if f != nil {
			f.Close()
		}
	}
	if c.sync >= 0 {
		unix.Close(c.sync)
		c.sync = -1
	}
}

// sendSources opens the plan's bind sources for the init and sends them
// on the sync socket. The init runs as the unprivileged jail user, which
// may not reach them (a pyenv under a 0700 /root); the parent opens them
// through the init's /proc/PID/root, so they lie on the init's own mounts,
// before the init has done anything at all.
func (c *child) sendSources(plan *rootfs.Plan) error {
	root, err := unix.Open(fmt.Sprintf("/proc/%d/root", c.cmd.Process.Pid), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the init's root: %w", err)
	}
	defer unix.Close(root)
	files, err := rootfs.OpenSources(plan, root)
	if err != nil {
		return err
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	for len(fds) > 0 {
		n := min(len(fds), maxFDsPerMsg)
		if err := unix.Sendmsg(c.sync, []byte{'F'}, unix.UnixRights(fds[:n]...), nil, 0); err != nil {
			return fmt.Errorf("send bind sources: %w", err)
		}
		fds = fds[n:]
	}
	return nil
}

// maxFDsPerMsg stays under the kernel's SCM_MAX_FD (253).
const maxFDsPerMsg = 250

// syncMsg is one message from the init: a failed stage, or the seccomp
// listener fd. At exec the init's end closes, and recv returns EOF.
type syncMsg struct {
	Err      string // "stage: error"
	Listener int    // -1 if none
	Times    initTimes
	EOF      bool
}

// recvSync reads the next message from the init.
func (c *child) recvSync() (syncMsg, error) {
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(c.sync, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return syncMsg{}, fmt.Errorf("sync socket: %w", err)
		}
		if n == 0 {
			return syncMsg{EOF: true, Listener: -1}, nil
		}
		switch buf[0] {
		case 'E':
			return syncMsg{Err: string(buf[1:n]), Listener: -1}, nil
		case 'L':
			fd, err := parseRights(oob[:oobn])
			if err != nil {
				return syncMsg{}, err
			}
			return syncMsg{Listener: fd, Times: parseInitTimes(buf[1:n])}, nil
		}
		return syncMsg{}, fmt.Errorf("sync socket: unknown message %q", buf[:1])
	}
}

// parseRights takes the one fd the init sends with its 'L' message.
func parseRights(oob []byte) (int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) != 1 {
		return -1, fmt.Errorf("sync socket: no seccomp listener in the message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return -1, fmt.Errorf("sync socket: expected one seccomp listener fd")
	}
	return fds[0], nil
}
