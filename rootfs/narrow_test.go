package rootfs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A narrowed plan binds the stdlib directories' copy, never a stdlib zip
// on sys.path, which would bring every module in it. The full plan binds
// the zip, so the test sees it if narrowing stops skipping it.
func TestNarrowedPlanSkipsStdlibZip(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	zip, stdlib := filepath.Join(base, "python311.zip"), filepath.Join(base, "python3.11")
	os.WriteFile(zip, []byte("PK\x05\x06"+string(make([]byte, 18))), 0o644)
	os.Mkdir(stdlib, 0o755)
	facts := &pythonFacts{Path: []string{zip, stdlib}, Stdlib: stdlib}
	for _, narrow := range []*narrowing{nil, {mods: &Modules{}}} {
		c := closure{tree: newTree(), loaded: map[string]bool{}, narrow: narrow}
		if _, err := c.addSysPath(facts); err != nil {
			t.Fatal(err)
		}
		_, hasZip := c.tree.entries[zip]
		if hasZip != (narrow == nil) {
			t.Errorf("narrowed %v: zip bound %v", narrow != nil, hasZip)
		}
		if c.tree.entries[stdlib].Kind != Dir {
			t.Errorf("narrowed %v: stdlib not bound: %+v", narrow != nil, c.tree.entries)
		}
	}
}

// The sweep removes what no plan binds once it is a day old, and half-made
// copies once an hour old; a copy a plan binds, and a young one, stay.
func TestSweepKeepsWhatPlansBind(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o700)
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{"modules-used", "modules-unused", "modules-young", ".modules-x.1.2.tmp", ".modules-y.1.2.damaged"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if name != "modules-young" {
			os.Chtimes(filepath.Join(dir, name), old, old)
		}
	}
	plan := cacheFile{Format: planFormat, Python: "/usr/bin/python3", Stamps: []stamp{{Path: "/usr/bin/python3"}},
		Plan: Plan{Python: "/usr/bin/python3", Entries: []Entry{{Kind: Dir, Path: "/usr/lib/python3.11", Source: filepath.Join(dir, "modules-used")}}}}
	data, _ := json.Marshal(plan)
	if err := os.WriteFile(filepath.Join(dir, "plan-x.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	(&narrowing{cache: r, dir: dir}).sweep()
	for name, kept := range map[string]bool{"modules-used": true, "modules-young": true, "modules-unused": false, ".modules-x.1.2.tmp": false, ".modules-y.1.2.damaged": false} {
		if _, err := os.Lstat(filepath.Join(dir, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}
