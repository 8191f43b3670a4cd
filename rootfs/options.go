package rootfs

// Options for the jail's filesystem.
type Options struct {
	TmpBytes  int64 // size of the writable /tmp, in bytes; must be > 0 (tmpfs reads size=0 as unlimited)
	TmpInodes int64 // files and directories /tmp may hold; 0 means defaultTmpInodes (tmpfs reads 0 as unlimited)
	// SourceFDs maps a bind source to an O_PATH fd of it that the caller
	// opened (see OpenSources); Enter opens the others itself. The jail's
	// init runs as the unprivileged jail user, which may not reach a path
	// its parent can (an interpreter under a 0700 home).
	SourceFDs map[string]int `json:",omitempty"`
}

// defaultTmpInodes bounds the number of files in /tmp when the caller does
// not: each costs kernel memory that the size limit does not count.
const defaultTmpInodes = 4096
