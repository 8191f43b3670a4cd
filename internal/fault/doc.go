// Package fault holds jailpy's fault points: named places in a run where
// the fault tests stop jailpy (or its init) and SIGKILL it, to show that a
// jailpy killed at any point of its life leaves nothing behind.
//
// They exist only in a binary built with -tags jailpyfault; in every other
// build Point is an empty function the compiler removes, so a production
// jailpy has no way to be stopped by its environment.
package fault
