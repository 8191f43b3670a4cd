package rootfs

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// withCache points the cache at a fresh directory and returns the path
// the jailpy cache directory will have.
func withCache(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	return filepath.Join(base, "jailpy")
}

// forge rewrites the cached plan for python, keeping its stamps valid,
// so that a marker tells a cache hit from a rebuild.
func forge(t *testing.T, dir, python string) {
	t.Helper()
	path := filepath.Join(dir, cacheName(python))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no cache file after PlanFor: %v", err)
	}
	var cf cacheFile
	if err := json.Unmarshal(data, &cf); err != nil {
		t.Fatal(err)
	}
	cf.Plan.Missing = []string{"marker"}
	if data, err = json.Marshal(&cf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func hasMarker(p *Plan) bool { return slices.Contains(p.Missing, "marker") }

func TestCacheHit(t *testing.T) {
	needFile(t, debianPython)
	dir := withCache(t)
	first, err := PlanFor(debianPython)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir %s: %v, mode %v, want 0700", dir, err, fi.Mode().Perm())
	}
	forge(t, dir, debianPython)
	second, err := PlanFor(debianPython)
	if err != nil {
		t.Fatal(err)
	}
	if !hasMarker(second) {
		t.Fatalf("second PlanFor did not come from the cache")
	}
	second.Missing = first.Missing
	if a, b := mustJSON(t, first), mustJSON(t, second); a != b {
		t.Errorf("cached plan differs from the built one:\n%s\n%s", a, b)
	}
}

func TestCacheInvalidatedByMtime(t *testing.T) {
	needFile(t, debianPython)
	dir := withCache(t)
	// Not under /tmp: a plan may not bind anything there (the jail's /tmp).
	work, err := os.MkdirTemp("/var/tmp", "jailpy-rootfs-test-")
	if err != nil {
		t.Skipf("needs a scratch directory outside /tmp: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	python := filepath.Join(work, "python3.11")
	copyFile(t, debianPython, python)
	if _, err := PlanFor(python); err != nil {
		t.Fatal(err)
	}
	forge(t, dir, python)
	if p, err := PlanFor(python); err != nil || !hasMarker(p) {
		t.Fatalf("PlanFor before touching: err %v, want a cache hit", err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(python, later, later); err != nil {
		t.Fatal(err)
	}
	p, err := PlanFor(python)
	if err != nil {
		t.Fatal(err)
	}
	if hasMarker(p) {
		t.Errorf("PlanFor after the interpreter's mtime changed still used the old cache entry")
	}
}

func TestCacheIgnoredWhenGroupWritable(t *testing.T) {
	needFile(t, debianPython)
	dir := withCache(t)
	if _, err := PlanFor(debianPython); err != nil {
		t.Fatal(err)
	}
	forge(t, dir, debianPython)
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	p, err := PlanFor(debianPython)
	if err != nil {
		t.Fatal(err)
	}
	if hasMarker(p) {
		t.Errorf("a plan from a group-writable cache directory was used")
	}
	// The same for a trusted directory holding a group-writable file.
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, cacheName(debianPython)), 0o660); err != nil {
		t.Fatal(err)
	}
	if p, err = PlanFor(debianPython); err != nil {
		t.Fatal(err)
	}
	if hasMarker(p) {
		t.Errorf("a plan from a group-writable cache file was used")
	}
}

func TestNoCacheDirStillWorks(t *testing.T) {
	needFile(t, debianPython)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if _, err := PlanFor(debianPython); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPlanForCached(b *testing.B) {
	needFile(b, debianPython)
	withCache(b)
	if _, err := PlanFor(debianPython); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := PlanFor(debianPython); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanForUncached(b *testing.B) {
	needFile(b, debianPython)
	b.Setenv("XDG_CACHE_HOME", "")
	b.Setenv("HOME", "")
	for b.Loop() {
		if _, err := PlanFor(debianPython); err != nil {
			b.Fatal(err)
		}
	}
}
