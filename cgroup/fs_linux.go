package cgroup

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Every cgroup file is opened with O_NOFOLLOW: cgroupfs has no symlinks,
// so one on the way means the path is not what we built. The helpers use
// raw system calls, not os.File: a run does some fifteen of these, and
// os.File's poller registration doubles the cost of each (9 vs 16 µs).

// readFile reads a whole cgroup or proc file.
func readFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// writeFile writes one value to a cgroup file in a single write(2), as
// cgroupfs expects. The kernel's refusal comes back from the write.
func writeFile(path, value string) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	for {
		_, err = unix.Write(fd, []byte(value))
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// readProcs lists the pids in a cgroup's cgroup.procs. A cgroup that is
// gone has none.
func readProcs(dir string) ([]int, error) {
	b, err := readFile(dir + "/cgroup.procs")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s/cgroup.procs: bad pid %q", dir, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// readKey returns the value of key in a "key value" per line file
// (memory.events, memory.oom_control).
func readKey(path, key string) (uint64, error) {
	b, err := readFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && k == key {
			return strconv.ParseUint(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s line", path, key)
}

// readUint reads a file that holds one number.
func readUint(path string) (uint64, error) {
	b, err := readFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}

// missing returns the controllers of need that a cgroup.controllers or
// cgroup.subtree_control file does not list.
func missing(path string, need []string) ([]string, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	have := strings.Fields(string(b))
	var out []string
	for _, c := range need {
		if !slices.Contains(have, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// procStat returns the state (field 3) and start time in clock ticks since
// boot (field 22) of /proc/<pid>/stat. The fields are counted after the
// last ')' because the command name (field 2) may hold spaces and parens.
func procStat(pid int) (state byte, start uint64, err error) {
	b, err := readFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	start, err = strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: start time: %w", pid, err)
	}
	return fields[0][0], start, nil
}

// selfStart is this process's start time, part of every run cgroup name.
var selfStart = sync.OnceValues(func() (uint64, error) {
	_, start, err := procStat(os.Getpid())
	return start, err
})

// newRunName names a run cgroup owned by this process.
func newRunName() (string, error) {
	start, err := selfStart()
	if err != nil {
		return "", fmt.Errorf("cgroup: %w", err)
	}
	return runName(os.Getpid(), start)
}
