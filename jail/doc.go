// Package jail runs one untrusted Python function inside a jail built for
// that one run and returns the verdict.
//
// The parent side (Run) prepares everything that can be prepared outside:
// the interpreter's mount plan, the compiled seccomp program, the cgroup.
// It then re-executes the jailpy binary with an init token into new
// namespaces; that init (Init, the child side) builds the root filesystem,
// drops every privilege, loads the seccomp filter and execs CPython on an
// embedded wrapper. The wrapper calls the function and writes one framed
// result. The parent decides the verdict from what it measured (timers,
// cgroup, seccomp notifications, exit status) before it looks at anything
// the child wrote.
package jail
