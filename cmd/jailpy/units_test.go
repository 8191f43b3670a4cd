package main

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"1": 1, "1048576": 1 << 20, "64KiB": 64 << 10, "256MiB": 256 << 20,
		"2GiB": 2 << 30, "10B": 10,
	}
	for in, want := range good {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5MiB", "256MB", "256M", "MiB", " 1", "1 MiB", "+5", "99999999999GiB", "1KiBKiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"5s": 5 * time.Second, "250ms": 250 * time.Millisecond, "1.5s": 1500 * time.Millisecond} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "5", "0s", "-1s", "500us", "soon"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q): want an error", in)
		}
	}
}
