package seccomp

import (
	"fmt"
	"runtime"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// x32Bit marks an x32 system call number on x86_64.
const x32Bit = 0x40000000

// newerSyscalls names the x86_64 calls added after libseccomp 2.5.4 (the
// Debian 12 library), so a violation by one is reported by name.
var newerSyscalls = map[int32]string{
	457: "statmount", 458: "listmount", 459: "lsm_get_self_attr",
	460: "lsm_set_self_attr", 461: "lsm_list_modules", 462: "mseal",
	463: "setxattrat", 464: "getxattrat", 465: "listxattrat",
	466: "removexattrat", 467: "open_tree_attr", 468: "file_getattr",
	469: "file_setattr", 470: "listns", 471: "rseq_slice_yield",
}

// nativeAuditArch is the AUDIT_ARCH_* value of the architecture this
// binary runs as: what a notification carries for a native call.
var nativeAuditArch = map[string]uint32{
	"amd64":   unix.AUDIT_ARCH_X86_64,
	"arm64":   unix.AUDIT_ARCH_AARCH64,
	"386":     unix.AUDIT_ARCH_I386,
	"arm":     unix.AUDIT_ARCH_ARM,
	"riscv64": unix.AUDIT_ARCH_RISCV64,
	"ppc64le": unix.AUDIT_ARCH_PPC64LE,
	"s390x":   unix.AUDIT_ARCH_S390X,
}[runtime.GOARCH]

// SyscallName names a native system call number for reports: "socket".
// An unknown number is "syscall_<nr>"; on x86_64 a number with the x32 bit
// set is named from the x32 table with an "x32:" prefix ("x32:getpid").
func SyscallName(nr int32) string {
	if runtime.GOARCH == "amd64" && nr >= 0 && nr&x32Bit != 0 {
		return "x32:" + nameIn(libseccomp.ArchX32, nr, nr&^x32Bit)
	}
	if name, ok := newerSyscalls[nr]; ok && runtime.GOARCH == "amd64" {
		return name
	}
	return nameIn(libseccomp.ArchNative, nr, nr)
}

// eventName names the call of a notification, whose architecture may be
// foreign when the filter's bad-arch action is to notify: "i386:socketcall".
func eventName(arch uint32, nr int32) string {
	switch arch {
	case nativeAuditArch:
		return SyscallName(nr)
	case unix.AUDIT_ARCH_I386:
		return "i386:" + nameIn(libseccomp.ArchX86, nr, nr)
	default:
		return fmt.Sprintf("arch_%#x:syscall_%d", arch, nr)
	}
}

// nameIn asks libseccomp for the name of nr in arch; shown is the number
// to print when it has none.
func nameIn(arch libseccomp.ScmpArch, nr, shown int32) string {
	if nr < 0 {
		// Real calls are never negative; libseccomp's pseudo numbers are.
		return fmt.Sprintf("syscall_%d", shown)
	}
	name, err := libseccomp.ScmpSyscall(nr).GetNameByArch(arch)
	if err != nil || name == "" {
		return fmt.Sprintf("syscall_%d", shown)
	}
	return name
}
