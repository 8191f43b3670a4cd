package selftest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
)

// sentinelArg0 marks the re-executed binary as the sentinel process.
const sentinelArg0 = "jailpy-sentinel"

// IsSentinel reports whether this process is a selftest sentinel; main
// calls Sentinel before parsing any flags when it is.
func IsSentinel() bool { return len(os.Args) == 2 && os.Args[0] == sentinelArg0 }

// Sentinel is the host process the attacks try to see, read and signal.
// It holds the secret in its argv and environment and lives until its
// stdin closes, so it never outlives the selftest that started it.
func Sentinel() {
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// Canaries are what jailpy selftest plants on the host before the attacks
// run: a secret in a file, in jailpy's own environment and in a sentinel
// process, listeners of every kind, and a directory for marker paths.
type Canaries struct {
	Secret string // random; no part of any verdict may contain it
	Dir    string // world-readable, so only the jail's walls keep it out
	File   string // holds Secret
	Env    string // name of the variable holding Secret in this process

	sentinel      *exec.Cmd
	sentinelStart string // its start time, so a recycled pid is not taken for it
	sentinelIn    io.Closer

	listeners []*listener
}

// listener is one canary endpoint and the count of what reached it.
type listener struct {
	kind string
	addr string
	hits atomic.Int64
	stop io.Closer
	done sync.WaitGroup
}

// Plant sets every canary up. sentinelUID is the host uid the sentinel
// runs as (the jail's, when run as root, so only the namespaces stand
// between them); -1 keeps the caller's.
func Plant(sentinelUID int) (*Canaries, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	c := &Canaries{Secret: "jailpy-canary-" + hex.EncodeToString(b), Env: "JAILPY_SELFTEST_SECRET"}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()
	dir, err := os.MkdirTemp("", "jailpy-selftest-")
	if err != nil {
		return nil, err
	}
	c.Dir = dir
	c.File = filepath.Join(dir, "secret")
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.File, []byte(c.Secret+"\n"), 0o644); err != nil {
		return nil, err
	}
	if err := os.Setenv(c.Env, c.Secret); err != nil {
		return nil, err
	}
	if err := c.startSentinel(sentinelUID); err != nil {
		return nil, fmt.Errorf("sentinel: %w", err)
	}
	for _, l := range []struct{ kind, addr string }{
		{"tcp", "127.0.0.1:0"},
		{"udp", "127.0.0.1:0"},
		{"unix", filepath.Join(dir, "listen.sock")},
		{"abstract", "@" + filepath.Base(dir)},
	} {
		if err := c.listen(l.kind, l.addr); err != nil {
			return nil, fmt.Errorf("%s listener: %w", l.kind, err)
		}
	}
	ok = true
	return c, nil
}

func (c *Canaries) startSentinel(uid int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := &exec.Cmd{
		Path: self,
		Args: []string{sentinelArg0, c.Secret},
		Env:  []string{c.Env + "=" + c.Secret},
		// No Pdeathsig: it follows the OS thread that started the child,
		// and jail.Run ends locked threads. Stdin's EOF ends it instead.
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	if uid >= 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.sentinel, c.sentinelIn = cmd, in
	c.sentinelStart, err = startTime(cmd.Process.Pid)
	return err
}

func (c *Canaries) listen(kind, addr string) error {
	l := &listener{kind: kind}
	switch kind {
	case "udp":
		pc, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return err
		}
		l.addr, l.stop = pc.LocalAddr().String(), pc
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			buf := make([]byte, 2048)
			for {
				if _, _, err := pc.ReadFrom(buf); err != nil {
					return
				}
				l.hits.Add(1)
			}
		}()
	default:
		network := "tcp4"
		if kind != "tcp" {
			network = "unix"
		}
		ln, err := net.Listen(network, addr)
		if err != nil {
			return err
		}
		if kind == "unix" {
			os.Chmod(addr, 0o777) // anyone may connect: only the jail keeps it out
		}
		l.addr, l.stop = ln.Addr().String(), ln
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				l.hits.Add(1)
				conn.Close()
			}
		}()
	}
	c.listeners = append(c.listeners, l)
	return nil
}

// Args is the canary argument an attack is called with: where the canaries
// are, never the secret.
func (c *Canaries) Args(marker string) []byte {
	m := map[string]any{
		"secret_file":  c.File,
		"secret_dir":   c.Dir,
		"env_name":     c.Env,
		"sentinel_pid": c.sentinel.Process.Pid,
		"host_pid":     os.Getpid(),
		"marker":       marker,
	}
	for _, l := range c.listeners {
		switch l.kind {
		case "tcp", "udp":
			_, port, _ := net.SplitHostPort(l.addr)
			var n int
			fmt.Sscan(port, &n)
			m[l.kind+"_port"] = n
		case "unix":
			m["unix_path"] = l.addr
		case "abstract":
			m["abstract_name"] = l.addr[1:]
		}
	}
	b, _ := json.Marshal([]any{m})
	return b
}

// Hits counts what has reached each listener so far, by kind.
func (c *Canaries) Hits() map[string]int64 {
	h := map[string]int64{}
	for _, l := range c.listeners {
		h[l.kind] = l.hits.Load()
	}
	return h
}

// SentinelAlive says whether the sentinel is the same living process it
// was when planted; if not, why.
func (c *Canaries) SentinelAlive() error {
	st, err := startTime(c.sentinel.Process.Pid)
	if err != nil {
		return fmt.Errorf("sentinel pid %d is gone: %v", c.sentinel.Process.Pid, err)
	}
	if st != c.sentinelStart {
		return fmt.Errorf("sentinel pid %d is another process now", c.sentinel.Process.Pid)
	}
	if s, _ := procState(c.sentinel.Process.Pid); s == "Z" || s == "X" || s == "T" || s == "t" {
		return fmt.Errorf("sentinel pid %d is in state %s", c.sentinel.Process.Pid, s)
	}
	return nil
}

// Close removes every canary; it is safe on a half-planted set.
func (c *Canaries) Close() error {
	var errs []error
	for _, l := range c.listeners {
		l.stop.Close()
		l.done.Wait()
	}
	if c.sentinel != nil {
		c.sentinelIn.Close()
		c.sentinel.Process.Kill()
		c.sentinel.Wait()
	}
	if c.Env != "" {
		os.Unsetenv(c.Env)
	}
	if c.Dir != "" {
		errs = append(errs, os.RemoveAll(c.Dir))
	}
	return errors.Join(errs...)
}
