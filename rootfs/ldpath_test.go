package rootfs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExpandOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"$ORIGIN/../lib":    "/opt/py/lib",
		"${ORIGIN}/lib":     "/opt/py/bin/lib",
		"/usr/local/lib":    "/usr/local/lib",
		"$LIB/x":            "",
		"relative/dir":      "",
		"$ORIGIN/$PLATFORM": "",
	} {
		got, ok := expandOrigin(in, "/opt/py/bin")
		if got != want || ok != (want != "") {
			t.Errorf("expandOrigin(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestReadConfFollowsIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("ld.so.conf", "# comment\n/opt/first\ninclude conf.d/*.conf\nhwcap 0 nosegneg\n/opt/last=libc6\n")
	write("conf.d/b.conf", "/opt/b\n")
	write("conf.d/a.conf", "/opt/a  # trailing comment\n/opt/first\n")
	s := &libSearch{}
	got := s.readConf(filepath.Join(dir, "ld.so.conf"), 0)
	// Files of an include glob come in name order; duplicates are left
	// to newLibSearch.
	want := []string{"/opt/first", "/opt/a", "/opt/first", "/opt/b", "/opt/last"}
	if !slices.Equal(got, want) {
		t.Errorf("readConf = %v, want %v", got, want)
	}
	if !slices.Contains(s.inputs, filepath.Join(dir, "conf.d")) {
		t.Errorf("the included directory is not stamped: %v", s.inputs)
	}
}
