// Package selftest is jailpy's attack corpus and the host-side checks
// that judge it: `jailpy selftest` plants canaries on the host, runs every
// attack through the same code path as `jailpy exec`, and checks that
// nothing reached the canaries and every verdict is the expected one.
//
// The corpus lives in attacks/ (see attacks/README.md for the format) and
// is embedded in the binary, so users run it on their own hosts.
package selftest
