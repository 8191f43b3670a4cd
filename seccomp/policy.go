package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"syscall"
)

// Policy is the system-call allow-list as data. Build compiles it; nothing
// else in the package decides what is allowed, the checkpoints aside.
//
// A call listed nowhere is answered by the filter's default action,
// SECCOMP_RET_USER_NOTIF: it does not run until the parent's Listener
// answers, which in jailpy means a violation. Two exceptions: the init's
// own execve of the interpreter, which the parent allows, and the
// checkpoints exit and exit_group, which no list may name: the Listener
// lets them run itself once it has accounted for every notification made
// before them (see Listener.Next). Calls of a foreign architecture (i386
// through int 0x80, x32 numbers) never reach these lists.
type Policy struct {
	// Allow lists the calls that run without asking the parent.
	Allow []Rule
	// Errno lists the calls the filter answers with an error number of its
	// own, without running them and without a notification: they are
	// expected, and the caller copes with the error (clone3 → ENOSYS makes
	// glibc fall back to clone, whose flags the filter can read).
	Errno []ErrnoRule
	// NoOp lists the calls the filter answers with success (return value
	// 0) without running them and without a notification: calls whose
	// only effect in the jail would be a side effect outside it (fsync on
	// a read-only bind of a host file flushes the host's disk).
	NoOp []NoOpRule
}

// checkpoints are the calls that end a thread or the process. They stay
// unlisted, so each one is notified: the Listener reads it only after
// every notification made before it, which shows whether one was
// withdrawn unread, and then lets it run. Were they allowed outright, a
// thread could end the process while another's denied call waits unread.
var checkpoints = []string{"exit", "exit_group"}

// Rule allows one system call, whatever its arguments or only for some.
type Rule struct {
	// Name is the call's name as libseccomp spells it ("clone", "ioctl").
	// A name that exists only on other architectures (arch_prctl on arm64)
	// adds nothing; a name no architecture knows is an error in Build.
	Name string
	// Arg, when non-nil, allows the call only if one argument matches;
	// any other value of that argument is notified like an unlisted call.
	Arg *ArgMatch
	// Why says who needs the call, for the reader of the policy.
	Why string
}

// ArgMatch matches one argument of a call: the call is allowed when
// args[Index] & Mask equals one of Values.
//
// Masks are 32-bit where the kernel reads only the low 32 bits (clone
// flags, the ioctl request): the high half then neither helps nor hides a
// value, so ioctl(fd, TIOCSTI|1<<32) is still TIOCSTI to the filter.
type ArgMatch struct {
	Index  uint     // 0 to 5
	Mask   uint64   // bits compared; never 0
	Values []uint64 // allowed values of args[Index]&Mask; none outside Mask
}

// ErrnoRule makes the filter fail one call with Errno, in the kernel.
type ErrnoRule struct {
	Name  string        // as in Rule
	Errno syscall.Errno // returned to the caller; never 0 (that is a NoOpRule)
	Why   string        // as in Rule
}

// NoOpRule makes the filter answer one call with success without running
// it (SECCOMP_RET_ERRNO with data 0). The caller sees 0 and any output
// argument untouched, so only calls whose success returns nothing belong
// here.
type NoOpRule struct {
	Name string // as in Rule
	Why  string // as in Rule; also why skipping the call is harmless
}

// validate reports a policy Build must refuse: a rule that could never
// match, a name listed twice (two answers for one call would depend on
// libseccomp's merge rules, not on the policy), or a listed checkpoint.
func (p *Policy) validate() error {
	if p == nil {
		return errors.New("seccomp: nil policy")
	}
	seen := map[string]bool{}
	add := func(name string) error {
		if name == "" {
			return errors.New("seccomp: rule without a name")
		}
		if slices.Contains(checkpoints, name) {
			return fmt.Errorf("seccomp: %s is a checkpoint: it must stay unlisted, for the Listener to account for it", name)
		}
		if seen[name] {
			return fmt.Errorf("seccomp: %s is listed twice", name)
		}
		seen[name] = true
		return nil
	}
	for _, r := range p.Allow {
		if err := add(r.Name); err != nil {
			return err
		}
		if err := r.Arg.validate(); err != nil {
			return fmt.Errorf("seccomp: %s: %w", r.Name, err)
		}
	}
	for _, r := range p.Errno {
		if err := add(r.Name); err != nil {
			return err
		}
		if r.Errno == 0 {
			// Success without running is said on purpose, in NoOp.
			return fmt.Errorf("seccomp: %s: errno rule with errno 0 (list it in NoOp to make it succeed without running)", r.Name)
		}
	}
	for _, r := range p.NoOp {
		if err := add(r.Name); err != nil {
			return err
		}
	}
	return nil
}

func (a *ArgMatch) validate() error {
	switch {
	case a == nil:
		return nil
	case a.Index > 5:
		return fmt.Errorf("argument index %d out of 0-5", a.Index)
	case a.Mask == 0:
		return errors.New("argument mask 0 matches every value")
	case len(a.Values) == 0:
		return errors.New("argument match without values")
	}
	for _, v := range a.Values {
		if v&^a.Mask != 0 {
			return fmt.Errorf("value %#x has bits outside mask %#x: it can never match", v, a.Mask)
		}
	}
	return nil
}
