package seccomp

import "golang.org/x/sys/unix"

// ledger follows the ids of the notifications read, to see the ones the
// kernel withdrew unread. Each notification of a filter gets the next id
// (seccomp_next_notify_id, counting from a random start), and RECV hands
// them out oldest first, so the ids read go up by one at a time. A
// notification whose thread was killed, or interrupted by a signal,
// before it was read is removed from the kernel's list, leaving a gap.
//
// Withdrawn calls never ran, but they were attempts: a thread that makes
// a denied call while another calls exit_group, or while another signals
// it, must not escape the audit. The checkpoints (exit, exit_group) make
// sure a gap shows: the process cannot end without one more notification
// read after the withdrawn one, except by a fatal signal, whose verdict
// is not "ok" anyway.
type ledger struct {
	next    uint64 // the id the next notification read should carry
	started bool   // next is known: a notification was read
	owed    uint64 // Lost events already returned for ids from next on
}

// read records a notification read with id and reports whether ids were
// skipped that no Lost event has stood for yet.
func (g *ledger) read(id uint64) (skipped bool) {
	// id-next wraps to a huge gap should ids ever go back: fail closed.
	skipped = g.started && id-g.next > g.owed
	g.next, g.started, g.owed = id+1, true, 0
	return skipped
}

// withdrawn records a Lost event returned for a notification that poll
// saw pending and RECV did not find; its id, unknown, is next or later.
func (g *ledger) withdrawn() { g.owed++ }

// isCheckpoint reports whether n is a checkpoint (see checkpoints in
// policy.go): exit or exit_group of the native architecture. An x32 or
// i386 exit is not one; it stays a violation like any foreign call.
func isCheckpoint(n *seccompNotif) bool {
	return n.arch == nativeAuditArch && (n.nr == unix.SYS_EXIT || n.nr == unix.SYS_EXIT_GROUP)
}
