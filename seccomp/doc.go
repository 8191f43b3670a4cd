// Package seccomp owns jailpy's system-call allow-list: the policy as data,
// its compilation to a classic BPF program with libseccomp (in the parent,
// once), loading that program in the jail's init without cgo, and the
// user-notification listener the parent uses to name a denied syscall.
//
// The filter's default action is SECCOMP_RET_USER_NOTIF: a syscall that is
// not allowed outright does not run; the thread waits while the parent's
// Listener reads which syscall it was, answers it, and ends the run with a
// violation. SIGSYS alone could not say which syscall it was. The same
// holds for calls of a foreign architecture and x32 numbers, named
// "i386:..." and "x32:...". A few expected calls are answered by the
// filter itself without a notification: clone3 and sysinfo get ENOSYS (so
// glibc falls back to clone, whose flags the filter can check), and the
// flushes fsync, fdatasync, msync and sync succeed without running (tmpfs
// has nothing to flush; through a read-only bind of a host file, and for
// sync everywhere, a flush reaches the host's disks).
//
// A notification the kernel withdraws before the parent reads it (its
// thread killed or signalled) is still reported, as a Lost event: exit and
// exit_group are notified too, and the Listener lets them run only after
// checking that no notification before them went missing.
//
// Files: policy.go (the types), default_linux.go (the allow-list),
// build_linux.go (libseccomp, parent), load_linux.go (seccomp(2), init),
// notify_linux.go (Listener, parent), ledger_linux.go (withdrawn
// notifications, checkpoints), names_linux.go (syscall names).
package seccomp
