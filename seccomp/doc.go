// Package seccomp owns jailpy's system-call allow-list: the policy as data,
// its compilation to a classic BPF program with libseccomp (in the parent,
// once), loading that program in the jail's init without cgo, and the
// user-notification listener the parent uses to name a denied syscall.
//
// The filter's default action is SECCOMP_RET_USER_NOTIF: a syscall that is
// not allowed outright does not run; the thread waits while the parent's
// Listener reads which syscall it was, answers it, and ends the run with a
// violation. SIGSYS alone could not say which syscall it was.
package seccomp
