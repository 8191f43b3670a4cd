package main

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// sizeSyntax is what parseSize accepts: decimal digits and at most one
// binary unit, nothing else (no sign, space, fraction or SI unit).
var sizeSyntax = regexp.MustCompile(`^([0-9]+)(KiB|MiB|GiB|B)?$`)

var sizeMult = map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// FuzzParseSize checks parseSize against an exact model: it never panics,
// and it accepts s exactly when s is digits with an optional binary unit
// whose value n*unit (computed without overflow) is in (0, 2^62]; it then
// returns n*unit, and the value re-formatted in any unit that divides it
// parses back to the same number.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{
		"", "0", "1", "-1", "+1", " 1", "1 ", "1\n", "007", "0KiB", "1B", "10B", "64KiB", "256MiB", "2GiB",
		"1KB", "1MB", "1M", "1kib", "1.5MiB", "1e3", "0x10", "1_000", "KiB", "B", "1KiBKiB", "1BB", "1 MiB",
		"4611686018427387904", "4611686018427387905", "9223372036854775807", "9223372036854775808",
		"4294967296GiB", "4294967297GiB", "4503599627370496KiB", "99999999999999999999999GiB", "１",
	} {
		f.Add(s)
	}
	limit := new(big.Int).Lsh(big.NewInt(1), 62)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSize(s)
		want, ok := int64(0), false
		if m := sizeSyntax.FindStringSubmatch(s); m != nil {
			n, _ := new(big.Int).SetString(m[1], 10)
			v := n.Mul(n, big.NewInt(sizeMult[m[2]]))
			if ok = v.Sign() > 0 && v.Cmp(limit) <= 0; ok {
				want = v.Int64()
			}
		}
		if ok != (err == nil) || got != want {
			t.Fatalf("parseSize(%q) = %d, %v; want %d, ok=%v", s, got, err, want, ok)
		}
		if !ok {
			return
		}
		for _, u := range []string{"", "B", "KiB", "MiB", "GiB"} {
			if got%sizeMult[u] != 0 {
				continue
			}
			again := strconv.FormatInt(got/sizeMult[u], 10) + u
			if back, err := parseSize(again); err != nil || back != got {
				t.Fatalf("parseSize(%q) = %d, but %q reads as %d, %v", s, got, again, back, err)
			}
		}
	})
}

// durationSyntax is a whole number of one unit, the form whose value the
// test can compute exactly (time.ParseDuration also takes fractions and
// sums of units).
var durationSyntax = regexp.MustCompile(`^([0-9]+)(ns|us|µs|μs|ms|s|m|h)$`)

var durationUnit = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond, "μs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
}

// FuzzParseDuration checks that parseDuration never panics, accepts
// exactly the durations time.ParseDuration reads that are at least 1ms,
// returns n*unit for a whole number of one unit (refusing it when that
// overflows), and that what it returns, re-formatted, parses back the same.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"", "0", "5", "0s", "1ms", "999us", "999999ns", "1000000ns", "1000µs", "1000μs", "0.001s", ".001s",
		"1.s", "5s", "250ms", "1m30s", "1h", "-1s", "+1s", "- 1s", "1 s", " 1s", "1S", "1d", "soon",
		"2562047h", "2562048h", "9223372036854775807ns", "9223372036854775808ns", "9223372036s",
		"9223372037s", "0.0000000001h", "1.00000000000000000000000001s", "1e3ms", "1_000ms",
	} {
		f.Add(s)
	}
	maxDur := big.NewInt(math.MaxInt64)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDuration(s)
		std, stdErr := time.ParseDuration(s)
		if ok := stdErr == nil && std >= time.Millisecond; ok != (err == nil) || (ok && got != std) || (!ok && got != 0) {
			t.Fatalf("parseDuration(%q) = %v, %v; time.ParseDuration gives %v, %v", s, got, err, std, stdErr)
		}
		if m := durationSyntax.FindStringSubmatch(s); m != nil {
			n, _ := new(big.Int).SetString(m[1], 10)
			v := n.Mul(n, big.NewInt(int64(durationUnit[m[2]])))
			switch {
			case v.Cmp(maxDur) > 0:
				if err == nil {
					t.Fatalf("parseDuration(%q) = %v, but %v overflows", s, got, v)
				}
			case v.Int64() >= int64(time.Millisecond):
				if err != nil || int64(got) != v.Int64() {
					t.Fatalf("parseDuration(%q) = %v, %v; want %v", s, got, err, v)
				}
			}
		}
		if err != nil {
			return
		}
		if got < time.Millisecond {
			t.Fatalf("parseDuration(%q) = %v, under 1ms", s, got)
		}
		if back, err := parseDuration(got.String()); err != nil || back != got {
			t.Fatalf("parseDuration(%q) = %v, but %q reads as %v, %v", s, got, got.String(), back, err)
		}
	})
}
