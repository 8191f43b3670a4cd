package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sizeUnits are the suffixes --memory and friends accept, binary only:
// "256MB" is ambiguous, so it is refused rather than guessed.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1},
}

// parseSize reads a byte count: plain bytes ("1048576") or a whole number
// with KiB, MiB or GiB ("256MiB"). It must be positive.
func parseSize(s string) (int64, error) {
	num, mult := s, int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || num != strings.TrimSpace(num) || strings.HasPrefix(num, "+") {
		return 0, fmt.Errorf("%q is not a size (use bytes or a whole number of KiB, MiB or GiB, e.g. 256MiB)", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * mult, nil
}

// parseDuration reads a Go duration ("5s", "250ms", "1m30s"); jailpy's
// timers have millisecond precision, so less than 1ms is refused.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (e.g. 5s, 250ms)", s)
	}
	if d < time.Millisecond {
		return 0, fmt.Errorf("%q is shorter than 1ms", s)
	}
	return d, nil
}
