package jail

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/jailpy/jailpy/seccomp"
)

// cacheEntries lists the cache's files whose names match pattern.
func cacheEntries(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "jailpy", pattern))
	return m
}

// The cached filter is the filter libseccomp builds; a damaged entry is
// rebuilt, not loaded.
func TestFilterCache(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	want, err := seccomp.Build(seccomp.Default())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // built, then from the cache
		got, err := filter()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("round %d: filter differs from Build (%v)", i, err)
		}
	}
	entries := cacheEntries(t, dir, "seccomp-*.bpf")
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	damaged, _ := os.ReadFile(entries[0])
	damaged[len(damaged)-1] ^= 0xff // an instruction's constant
	os.WriteFile(entries[0], damaged, 0o600)
	if got, err := filter(); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("a damaged entry was used: %v", err)
	}
}

// The compiled wrapper is cached per interpreter and checked the same way;
// an interpreter that cannot compile it gives nil (the jail then compiles
// the source).
func TestWrapperCodeCache(t *testing.T) {
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("needs " + python)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	first := wrapperCode(python)
	if len(first) == 0 {
		t.Fatal("no code from " + python)
	}
	entries := cacheEntries(t, dir, "wrapper-*.marshal")
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	damaged, _ := os.ReadFile(entries[0])
	damaged[len(damaged)/2] ^= 0xff
	os.WriteFile(entries[0], damaged, 0o600)
	if again := wrapperCode(python); !bytes.Equal(again, first) {
		t.Fatal("a damaged entry was used")
	}
	if code := wrapperCode("/bin/false"); code != nil {
		t.Fatalf("code from /bin/false: %q", code)
	}
	if argv := pythonArgv(python, nil); argv[len(argv)-1] != wrapperSource {
		t.Fatal("without code the jail must get the source")
	}
}
