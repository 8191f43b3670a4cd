//go:build !linux

package seccomp

import (
	"errors"
	"fmt"
	"syscall"
)

// errUnsupported is what every operation returns off Linux: seccomp,
// namespaces and the whole jail are Linux features.
var errUnsupported = errors.New("seccomp: not supported on this operating system (Linux only)")

// Default returns an empty policy off Linux; Build refuses it.
func Default() *Policy { return &Policy{} }

// Build fails off Linux.
func Build(p *Policy) ([]byte, error) { return nil, errUnsupported }

// SyscallName returns "syscall_<nr>" off Linux: there is no table.
func SyscallName(nr int32) string { return fmt.Sprintf("syscall_%d", nr) }

// Load fails off Linux.
func Load(prog []byte) (listenerFD int, err error) { return -1, errUnsupported }

// Listener is not available off Linux.
type Listener struct{}

// NewListener fails off Linux.
func NewListener(fd int) (*Listener, error) { return nil, errUnsupported }

// Next fails off Linux.
func (l *Listener) Next() (Event, error) { return Event{}, errUnsupported }

// Allow fails off Linux.
func (l *Listener) Allow(ev Event) error { return errUnsupported }

// Deny fails off Linux.
func (l *Listener) Deny(ev Event, errno syscall.Errno) error { return errUnsupported }

// Close does nothing off Linux.
func (l *Listener) Close() error { return nil }

// Key identifies a policy; off Linux nothing is ever built from it.
func Key(p *Policy) string { return "" }
