package jail

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCleanValue guards what cleanValue promises for the value the child
// wrote: it never panics; whatever it returns is valid UTF-8 of at most
// growthBound(raw) bytes (3x at worst: each invalid byte becomes a 3-byte
// U+FFFD); and for one complete JSON value (what decodeFrame hands it, a
// json.RawMessage the decoder already delimited) it fails only on a number
// no double holds, and otherwise returns strict JSON with Go's canonical
// escapes (no \u003c, \u003e, \u0026, \/), idempotent, with the same
// tokens in the same order as the input.
func FuzzCleanValue(f *testing.F) {
	for _, s := range []string{
		``, ` `, `1`, `-0`, `0.5e-3`, `[1, 2.5, "a", null, true, false]`,
		`{"b": 1, "a": [ {} , []]}`, `{"a":1,"a":2}`, "\t[\r\n1 ]\n",
		`123456789012345678901234567890`, `1e308`, `1e309`, `-1e400`, `1e-400`,
		`4.9e-324`, `NaN`, `Infinity`, `-Infinity`, `[NaN]`,
		`"\ud800"`, `"\udc00\ud800"`, `"\ud83d\ude00"`, `"\u0000\u001f\b\f\/"`,
		"\"\xff\xfe\"", "\"\xed\xa0\x80\"", "\"\xc3\"", "\"\u2028\u2029\"", `"\u2028"`,
		`"<&>"`, `"\u003c\u0026\u003e"`, `"\\u003c"`, "\xef\xbb\xbf1", "\"\uFEFF\"",
		`[`, `{"a"`, `{"a":`, `1 2`, `"a" "b"`, `[]{}`, `[1,]`, `{1:2}`, `01`, `.5`, `1.`, `tru`,
		strings.Repeat("[", 100) + strings.Repeat("]", 100),
		strings.Repeat(`{"a":`, 50) + "1" + strings.Repeat("}", 50),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := cleanValue(raw)
		if err == nil {
			if !utf8.Valid(out) {
				t.Fatalf("cleanValue(%q) = %q: not UTF-8", raw, out)
			}
			if max := growthBound(raw); len(out) > max {
				t.Fatalf("cleanValue(%q) = %d bytes, more than the bound %d", raw, len(out), max)
			}
		}
		// cleanValue does not itself check that raw is one complete value
		// ("[" and "1 2" come back as "[" and "12"); its only caller
		// passes it one, so the rest holds under that precondition.
		if !json.Valid(raw) {
			return
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "it holds a number no double can hold") {
				t.Fatalf("cleanValue(%q) refused valid JSON: %v", raw, err)
			}
			return
		}
		checkCleanJSON(t, out)
		if !sameTokens(raw, out) {
			t.Fatalf("cleanValue(%q) = %q: not the same value", raw, out)
		}
	})
}

// TestDeepValues covers the nesting limit, kept out of the fuzz seeds
// because the fuzzer spends its time minimizing 20 KB inputs: 10000 levels
// in all, the frame's object included, are a value, 10001 a bad value (the
// function's result), never a problem; cleanValue itself has no limit.
func TestDeepValues(t *testing.T) {
	for depth, bad := range map[int]bool{9999: false, 10000: true} {
		v := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		r := parseReport(frameBytes(`{"status":"ok","value":` + v + `}`))
		if r.Problem != "" || (r.BadValue != "") != bad || (r.Frame != nil) == bad {
			t.Errorf("depth %d: got %+v, want bad value %v", depth, r, bad)
		}
		out, err := cleanValue([]byte(v))
		if err != nil || string(out) != v {
			t.Errorf("cleanValue at depth %d: %.20q, %v", depth, out, err)
		}
	}
}

// checkCleanJSON fails t unless v is what cleanValue promises to return:
// strict JSON (valid, UTF-8), escaped as Go escapes with HTML escaping
// off, and a fixed point of cleanValue.
func checkCleanJSON(t *testing.T, v []byte) {
	t.Helper()
	if !json.Valid(v) || !utf8.Valid(v) {
		t.Fatalf("%q is not strict JSON", v)
	}
	if e := badEscape(v); e != "" {
		t.Fatalf("%q holds the escape %s, which cleanValue does not write", v, e)
	}
	again, err := cleanValue(v)
	if err != nil || !bytes.Equal(again, v) {
		t.Fatalf("cleanValue is not idempotent: %q -> %q, %v", v, again, err)
	}
}

// badEscape returns the first escape in the valid JSON v that Go's encoder
// (HTML escaping off) would not write, or "". It writes \uXXXX only for
// control characters and U+2028/U+2029, never \/.
func badEscape(v []byte) string {
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' { // outside strings valid JSON has no backslash
			continue
		}
		switch c := v[i+1]; c {
		case '"', '\\', 'b', 'f', 'n', 'r', 't':
		case 'u':
			r, _ := strconv.ParseUint(string(v[i+2:i+6]), 16, 32)
			if !(r < 0x20 || r == 0x2028 || r == 0x2029) || strings.ToLower(string(v[i+2:i+6])) != string(v[i+2:i+6]) {
				return string(v[i : i+6])
			}
			i += 4
		default:
			return string(v[i : i+2])
		}
		i++
	}
	return ""
}

// growthBound is the most cleanValue may write for raw: whitespace and
// escapes only shrink, but each byte of invalid UTF-8 becomes U+FFFD (3
// bytes) and a raw U+2028 or U+2029 (3 bytes) becomes a 6-byte escape.
func growthBound(raw []byte) int {
	n := len(raw)
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 2
		case r == 0x2028 || r == 0x2029:
			n += 3
		}
		i += size
	}
	return n
}

// sameTokens reports whether two single JSON values read as the same
// token stream: same strings (as Go decodes them), same number text, same
// keys in the same order, duplicates included.
func sameTokens(a, b []byte) bool {
	ta, erra := tokens(a)
	tb, errb := tokens(b)
	return erra == nil && errb == nil && reflect.DeepEqual(ta, tb)
}

// tokens reads v as a stream of JSON tokens, numbers as written.
func tokens(v []byte) ([]json.Token, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var ts []json.Token
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return ts, nil
		}
		if err != nil {
			return nil, err
		}
		ts = append(ts, tok)
	}
}
