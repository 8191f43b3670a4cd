package jail

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJobBytes guards the job framing the wrapper splits with
// job_bytes.split(b"\n", 3): for any args and kwargs json.Valid accepts
// (or none), jobBytes succeeds and its output is exactly a header line
// naming the function and file, an args line and a kwargs line, each
// compact valid JSON with the same tokens as the input (or the [] and {}
// defaults), then the source bytes unchanged, newlines and all.
func FuzzJobBytes(f *testing.F) {
	seeds := []struct{ fn, file, args, kwargs, src string }{
		{"main", "user.py", "", "", "def main(): return 1\n"},
		{"f", "/tmp/dir/a.py", "[1, 2.5, \"a\\nb\"]", "{\"k\": [null, true]}", ""},
		{"f", "", " [ ] ", "\t{ }\r\n", "\n\n\n"},
		{"f\n", "a\nb.py", "[\"\u2028\u2029\"]", "{\"a\":1,\"a\":2}", "x\r\ny"},
		{"\xff", "dir/", "[\"\xff\", \"\\ud800\"]", "{\"<&>\":\"\\u003c\"}", "# -*- coding: latin-1 -*-\n\xe9"},
		{"f", "u.py", "[1e999, -0, 123456789012345678901234567890]", "{}", "\xef\xbb\xbfpass"},
		{"f", "u.py", strings.Repeat("[", 500) + strings.Repeat("]", 500), `{"":{"":{}}}`, ""},
		{"f", "u.py", `"not an array"`, `7`, ""},
	}
	for _, s := range seeds {
		f.Add(s.fn, s.file, []byte(s.args), []byte(s.kwargs), []byte(s.src))
	}
	f.Fuzz(func(t *testing.T, fn, file string, args, kwargs, src []byte) {
		for _, v := range [][]byte{args, kwargs} {
			if len(v) > 0 && !json.Valid(v) {
				return
			}
		}
		s := &Spec{Func: fn, Filename: file, Args: args, Kwargs: kwargs, Source: src}
		out, err := s.jobBytes()
		if err != nil {
			t.Fatalf("jobBytes failed on valid JSON: %v", err)
		}
		parts := bytes.SplitN(out, []byte("\n"), 4)
		if len(parts) != 4 {
			t.Fatalf("job %q has %d parts, want 4", out, len(parts))
		}
		if !bytes.Equal(parts[3], src) {
			t.Fatalf("source %q came out as %q", src, parts[3])
		}
		var j job
		if err := json.Unmarshal(parts[0], &j); err != nil {
			t.Fatalf("header %q: %v", parts[0], err)
		}
		if base := filepath.Base(file); utf8.ValidString(fn) && utf8.ValidString(base) && (j.Func != fn || j.Filename != base) {
			t.Fatalf("header %q names %q in %q, want %q in %q", parts[0], j.Func, j.Filename, fn, base)
		}
		for i, in := range [][]byte{orDefault(args, "[]"), orDefault(kwargs, "{}")} {
			line := parts[i+1]
			if !json.Valid(line) || !sameTokens(in, line) {
				t.Fatalf("%q came out as line %q", in, line)
			}
			var compact bytes.Buffer
			json.Compact(&compact, line)
			if !bytes.Equal(compact.Bytes(), line) {
				t.Fatalf("line %q is not compact", line)
			}
		}
	})
}
