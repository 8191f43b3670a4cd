package rootfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveSymlink(t *testing.T) {
	needFile(t, debianPython)
	link := filepath.Join(t.TempDir(), "python")
	if err := os.Symlink("/usr/bin/python3", link); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"/usr/bin/python3", link} {
		got, err := Resolve(in)
		if err != nil {
			t.Fatalf("Resolve(%q): %v", in, err)
		}
		if got != debianPython {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, debianPython)
		}
	}
}

func TestResolveShim(t *testing.T) {
	needFile(t, debianPython)
	shim := filepath.Join(t.TempDir(), "python3")
	script := "#!/bin/sh\nexec " + debianPython + " \"$@\"\n"
	if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Resolve(shim)
	if err != nil {
		t.Fatal(err)
	}
	if got != debianPython {
		t.Errorf("Resolve(shim) = %q, want %q", got, debianPython)
	}
}

func TestResolveDefault(t *testing.T) {
	got, err := Resolve("")
	if err != nil {
		t.Skipf("needs python3 on PATH: %v", err)
	}
	if ok, err := isELF(got); !filepath.IsAbs(got) || err != nil || !ok {
		t.Errorf("Resolve(\"\") = %q, want an absolute ELF path", got)
	}
	t.Logf("python3 on PATH is %s", got)
}

func TestResolveRejectsScriptThatIsNotPython(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Resolve(bad); err == nil {
		t.Errorf("Resolve(script printing hello) = %q, want an error", got)
	}
}

// BenchmarkResolve shows what a shim costs: "default" is python3 on PATH,
// a pyenv shim on the development machine, run once per call.
func BenchmarkResolve(b *testing.B) {
	for name, in := range map[string]string{"real": debianPython, "default": ""} {
		b.Run(name, func(b *testing.B) {
			if _, err := Resolve(in); err != nil {
				b.Skipf("Resolve(%q): %v", in, err)
			}
			for b.Loop() {
				if _, err := Resolve(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
