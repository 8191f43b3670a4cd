//go:build !jailpyfault

package fault

// Point does nothing outside a -tags jailpyfault build.
func Point(string) {}

// Env is empty outside a -tags jailpyfault build.
func Env() []string { return nil }
