package jail

import (
	"encoding/json"
	"fmt"
	"testing"
	"unicode/utf8"
)

func frameBytes(body string) []byte {
	return []byte(fmt.Sprintf("S%d\n%s", len(body), body))
}

func TestParseReport(t *testing.T) {
	ok := `{"status":"ok","value":2.5}`
	errFrame := `{"status":"error","error":{"type":"ZeroDivisionError","message":"division by zero","line":3}}`
	cases := []struct {
		name    string
		in      []byte
		started bool
		status  string // "" = no frame
		problem bool
	}{
		{"nothing", nil, false, "", false},
		{"marker only", []byte("S"), true, "", false},
		{"ok", frameBytes(ok), true, "ok", false},
		{"null value", frameBytes(`{"status":"ok","value":null}`), true, "ok", false},
		{"error", frameBytes(errFrame), true, "error", false},
		{"no marker", []byte(ok), false, "", true},
		{"truncated", frameBytes(ok)[:10], true, "", true},
		{"trailing data", append(frameBytes(ok), 'x'), true, "", true},
		{"two frames", append(frameBytes(ok), frameBytes(ok)[1:]...), true, "", true},
		{"bad length", []byte("Sabc\n{}"), true, "", true},
		{"huge length", []byte("S99999999999999999999999\n{}"), true, "", true},
		{"NaN value", frameBytes(`{"status":"ok","value":NaN}`), true, "", true},
		{"unknown field", frameBytes(`{"status":"ok","value":1,"verdict":"ok"}`), true, "", true},
		{"unknown status", frameBytes(`{"status":"timeout"}`), true, "", true},
		{"ok without value", frameBytes(`{"status":"ok"}`), true, "", true},
		{"ok with error", frameBytes(`{"status":"ok","value":1,"error":{"type":"X","message":""}}`), true, "", true},
		{"error without type", frameBytes(`{"status":"error","error":{"message":"m"}}`), true, "", true},
		{"two JSON values", frameBytes(`{"status":"ok","value":1}{}`), true, "", true},
	}
	for _, c := range cases {
		r := parseReport(c.in)
		got := ""
		if r.Frame != nil {
			got = r.Frame.Status
		}
		if r.Started != c.started || got != c.status || (r.Problem != "") != c.problem {
			t.Errorf("%s: got started=%v status=%q problem=%q; want started=%v status=%q problem=%v",
				c.name, r.Started, got, r.Problem, c.started, c.status, c.problem)
		}
	}
}

// FuzzParseReport feeds the parser what a hostile child could write: it
// must never panic, and whatever it accepts must be a frame of the two
// shapes the wrapper writes.
func FuzzParseReport(f *testing.F) {
	f.Add(frameBytes(`{"status":"ok","value":[1,{"a":null}]}`))
	f.Add(frameBytes(`{"status":"error","error":{"type":"E","message":"m","line":1}}`))
	f.Add([]byte("S"))
	f.Add([]byte("S3\n{}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := parseReport(b)
		if r.Frame == nil {
			return
		}
		if !r.Started || r.Problem != "" {
			t.Fatalf("frame with started=%v problem=%q", r.Started, r.Problem)
		}
		switch r.Frame.Status {
		case "ok":
			if len(r.Frame.Value) == 0 || r.Frame.Error != nil {
				t.Fatal("malformed ok frame accepted")
			}
			if !utf8.Valid(r.Frame.Value) || !json.Valid(r.Frame.Value) {
				t.Fatalf("value %q is not strict JSON", r.Frame.Value)
			}
		case "error":
			if r.Frame.Error == nil || r.Frame.Error.Type == "" {
				t.Fatal("malformed error frame accepted")
			}
		default:
			t.Fatalf("status %q accepted", r.Frame.Status)
		}
	})
}

func TestCleanValue(t *testing.T) {
	cases := map[string]string{
		`1`:                           `1`,
		`[1, 2.5, "a", null, true]`:   `[1,2.5,"a",null,true]`,
		`{"b": 1, "a": [ {} , []]}`:   `{"b":1,"a":[{},[]]}`,
		`"\ud800"`:                    `"` + "\uFFFD" + `"`,
		"\"\xff\xfe\"":                `"` + "\uFFFD\uFFFD" + `"`,
		`123456789012345678901234567`: `123456789012345678901234567`,
		`1e-400`:                      `1e-400`, // underflow is a finite zero
		`"<&>"`:                       `"<&>"`,
		`"a\nb\"\\\u0001"`:            `"a\nb\"\\\u0001"`,
	}
	for in, want := range cases {
		got, err := cleanValue([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("cleanValue(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`1e999999`, `[-1e400]`, `{"a": 1e309}`} {
		if got, err := cleanValue([]byte(in)); err == nil {
			t.Errorf("cleanValue(%q) = %q, want an error", in, got)
		}
	}
}
