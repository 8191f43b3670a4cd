// Package rootfs decides which host files a Python interpreter needs inside
// the jail (the Plan), caches that decision, and, in the jail's init, builds
// the jail's root filesystem from it and pivots into it (Enter).
//
// The plan is the whole of what the jail can read: the threat model promises
// that no host file outside it is readable, so the plan is computed like the
// dynamic loader and the interpreter would look things up, file by file, and
// every symlink met on the way is recreated rather than followed into a
// directory bind.
//
// Parent side (outside the jail, any thread):
//
//	python, err := rootfs.Resolve(flagPython) // real ELF path
//	plan, err := rootfs.PlanFor(python)       // cached across runs
//
// Child side (jail init, new user+mount namespaces, locked OS thread,
// before capabilities are dropped):
//
//	err := rootfs.Enter(plan, rootfs.Options{TmpBytes: 64 << 20})
package rootfs
