//go:build !linux

package selftest

import (
	"context"
	"errors"
)

// Canaries need Linux's /proc and namespaces; see canary_linux.go.
type Canaries struct{}

// IsSentinel is false: there is no selftest off Linux.
func IsSentinel() bool { return false }

// Sentinel is never called off Linux.
func Sentinel() {}

// Plant fails: jailpy jails only on Linux.
func Plant(int) (*Canaries, error) { return nil, errors.New("jailpy selftest needs Linux") }

// Close does nothing.
func (*Canaries) Close() error { return nil }

// Run runs nothing.
func Run(context.Context, *Canaries, []*Attack, Exec, func(Result)) Summary { return Summary{} }
