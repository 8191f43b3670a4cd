package rootfs

// Options for the jail's filesystem.
type Options struct {
	TmpBytes  int64 // size of the writable /tmp, in bytes; must be > 0 (tmpfs reads size=0 as unlimited)
	TmpInodes int64 // files and directories /tmp may hold; 0 means defaultTmpInodes (tmpfs reads 0 as unlimited)
}

// defaultTmpInodes bounds the number of files in /tmp when the caller does
// not: each costs kernel memory that the size limit does not count.
const defaultTmpInodes = 4096
