package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckJSONDepth covers the nesting limit, kept out of the fuzz seeds
// because the fuzzer spends its time minimizing 20 KB inputs: json.Valid,
// and so --args, takes 10000 levels and refuses 10001.
func TestCheckJSONDepth(t *testing.T) {
	for depth, ok := range map[int]bool{10000: true, 10001: false} {
		v := []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		if _, err := checkJSON(v, "args", '['); (err == nil) != ok {
			t.Errorf("depth %d: err %v, want ok %v", depth, err, ok)
		}
	}
}

// FuzzCheckJSON guards the --args/--kwargs check: it never panics; on
// success it returns the input trimmed, strict JSON (valid and UTF-8, as
// Python's json.loads in the jail needs) starting with the open byte and
// ending with its close; it accepts every valid value of the right kind
// with JSON whitespace around it; and it refuses with a one-line usage
// error.
func FuzzCheckJSON(f *testing.F) {
	// Invalid UTF-8 ("[\"\xdf\"]") is testdata/fuzz/FuzzCheckJSON/49ccf0d9c46023be,
	// the input the fuzzer found checkJSON accepting.
	for _, s := range []string{
		"", " ", "[]", "{}", " [1, 2] \n", "\t{\"a\": 1}\r\n", "[", "{", "[1,]", "[1] [2]", "[]x",
		`"[]"`, "1", "null", "[NaN]", "[Infinity]", "[-Infinity]", "[1e999999]", "[123456789012345678901234567890]",
		`["\ud800"]`, `["\udc00\ud800"]`, "[\"\u2028\"]", `["\u2028"]`, `{"a":1,"a":2}`,
		"\xef\xbb\xbf[]", "\v[]", "[]\f", "\u0085[]", "[]\u00a0", "\x00[]", "[\n1\n]",
		strings.Repeat("[", 64) + strings.Repeat("]", 64), strings.Repeat(`{"":`, 64) + "0" + strings.Repeat("}", 64),
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, kwargs bool) {
		name, open, close := "args", byte('['), byte(']')
		if kwargs {
			name, open, close = "kwargs", '{', '}'
		}
		v, err := checkJSON(raw, name, open)
		if err != nil {
			var u usageError
			if !errors.As(err, &u) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "--"+name+" ") {
				t.Fatalf("checkJSON(%q) failed with %T %q, want a one-line usage error about --%s", raw, err, err, name)
			}
			if jsonTrimmed := bytes.Trim(raw, " \t\r\n"); json.Valid(jsonTrimmed) && utf8.Valid(jsonTrimmed) && jsonTrimmed[0] == open {
				t.Fatalf("checkJSON(%q) refused a valid JSON %s: %v", raw, name, err)
			}
			return
		}
		if !json.Valid(v) || !utf8.Valid(v) {
			t.Fatalf("checkJSON(%q) = %q: not strict JSON", raw, v)
		}
		if v[0] != open || v[len(v)-1] != close {
			t.Fatalf("checkJSON(%q) = %q: not a JSON %s", raw, v, name)
		}
		if !bytes.Equal(v, bytes.TrimSpace(raw)) {
			t.Fatalf("checkJSON(%q) = %q: not the input trimmed", raw, v)
		}
	})
}
