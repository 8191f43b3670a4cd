package cgroup

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// namePrefix starts every run cgroup's name. Reap looks at nothing else.
const namePrefix = "jailpy-"

// runName names a run cgroup after its owner: jailpy-<pid>-<starttime>-<random>.
// pid and starttime (field 22 of /proc/<pid>/stat) let Reap tell a live
// owner from a dead one whose pid was reused; the random part keeps
// concurrent runs of one process apart.
func runName(pid int, start uint64) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("cgroup: random name: %w", err)
	}
	return fmt.Sprintf("%s%d-%d-%s", namePrefix, pid, start, hex.EncodeToString(b[:])), nil
}

// parseRunName is runName's inverse. It accepts only names runName could
// have made, so Reap never touches a directory someone else named.
func parseRunName(name string) (pid int, start uint64, ok bool) {
	rest, found := strings.CutPrefix(name, namePrefix)
	if !found {
		return 0, 0, false
	}
	parts := strings.Split(rest, "-")
	if len(parts) != 3 || len(parts[2]) != 16 || !isDigits(parts[0]) || !isDigits(parts[1]) {
		return 0, 0, false
	}
	if _, err := hex.DecodeString(parts[2]); err != nil {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(parts[0])
	s, err2 := strconv.ParseUint(parts[1], 10, 64)
	if err1 != nil || err2 != nil || p <= 0 {
		return 0, 0, false
	}
	return p, s, true
}

// isDigits rejects signs and spaces that strconv would accept or report
// less clearly.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
