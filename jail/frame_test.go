package jail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
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
// must never panic; it reports exactly one of a frame, a problem or a bad
// value once there are bytes after the marker, and a frame only after a
// header naming the body's exact length; an accepted frame has one of the
// two shapes the wrapper writes, an ok value is strict JSON as cleanValue
// promises (see checkCleanJSON) within 3x of what the child wrote, and
// re-encoding the frame as the wrapper would parses back to the same frame.
func FuzzParseReport(f *testing.F) {
	for _, body := range []string{
		`{"status":"ok","value":[1,{"a":null}]}`,
		`{"status":"ok","value":null}`,
		`{"status":"ok","value":"\ud800\u2028<&>"}`,
		"{\"status\":\"ok\",\"value\":\"\xff\u2028\"}",
		`{"status":"ok","value":1e999}`,
		`{"status":"ok","value":NaN}`,
		`{"status":"ok","value":{"a":1,"a":2}}`,
		`{"status":"ok","value":1,"error":null}`,
		`{"STATUS":"ok","Value":1}`,
		`{"status":"ok","status":"error","error":{"type":"E","message":""}}`,
		`{"status":"error","error":{"type":"E","message":"m","line":1}}`,
		`{"status":"error","error":{"type":"E","message":"m","traceback":"t","line":-1,"col":2,"rule":"r"}}`,
		`{"status":"error","error":{"type":"E","message":"m"},"value":null}`,
		`{"status":"error","error":{"type":"E","line":1e3}}`,
		`{"status":"ok","value":1,"verdict":"ok"}`,
		`{"status":"ok","value":1}{}`,
		`{"status":"ok","value":1} `,
		`{"status":"ok","value":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`,
		"\xef\xbb\xbf{\"status\":\"ok\",\"value\":1}",
		``,
	} {
		f.Add(frameBytes(body))
	}
	for _, s := range []string{"", "S", "S\n", "S0\n", "S3\n{}}", "S03\n{} ", "S-2\n{}", "S+2\n{}",
		"S 2\n{}", "S2 \n{}", "S99999999999999999999\n{}", "S9223372036854775808\n", "S2\r\n{}", "X2\n{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := parseReport(b)
		if len(b) == 0 {
			if r != (report{}) {
				t.Fatalf("empty channel read as %+v", r)
			}
			return
		}
		if b[0] != 'S' {
			if r.Started || r.Frame != nil || r.BadValue != "" || r.Problem == "" {
				t.Fatalf("no marker read as %+v", r)
			}
			return
		}
		outcomes := 0
		for _, set := range []bool{r.Frame != nil, r.Problem != "", r.BadValue != ""} {
			if set {
				outcomes++
			}
		}
		if want := min(len(b)-1, 1); !r.Started || outcomes != want {
			t.Fatalf("%q read as %+v: started=%v with %d outcomes, want %d", b, r, r.Started, outcomes, want)
		}
		if r.Frame == nil && r.BadValue == "" {
			return
		}
		head, body, _ := bytes.Cut(b[1:], []byte("\n"))
		if n, err := strconv.ParseUint(string(head), 10, 63); err != nil || len(head) > maxFrameHeader || n != uint64(len(body)) {
			t.Fatalf("%q: header %q does not give the body's length %d", b, head, len(body))
		}
		if r.Frame == nil {
			return
		}
		fr := r.Frame
		switch fr.Status {
		case "ok":
			if len(fr.Value) == 0 || fr.Error != nil {
				t.Fatal("malformed ok frame accepted")
			}
			checkCleanJSON(t, fr.Value)
			if fr.RawLen <= 0 || fr.RawLen > len(body) || len(fr.Value) > 3*fr.RawLen {
				t.Fatalf("value %q of %d bytes from a raw value of %d", fr.Value, len(fr.Value), fr.RawLen)
			}
		case "error":
			if fr.Error == nil || fr.Error.Type == "" || len(fr.Value) != 0 || fr.RawLen != 0 {
				t.Fatal("malformed error frame accepted")
			}
		default:
			t.Fatalf("status %q accepted", fr.Status)
		}
		again, err := json.Marshal(wireFrame{fr.Status, fr.Value, fr.Error})
		if err != nil {
			t.Fatalf("cannot re-encode %+v: %v", fr, err)
		}
		r2 := parseReport(frameBytes(string(again)))
		if r2.Frame == nil || r2.Frame.Status != fr.Status || !bytes.Equal(r2.Frame.Value, fr.Value) || !reflect.DeepEqual(r2.Frame.Error, fr.Error) {
			t.Fatalf("%q parsed as %+v; re-encoded as %s it parses as %+v", b, fr, again, r2)
		}
	})
}

// wireFrame is a frame as the wrapper writes it.
type wireFrame struct {
	Status string          `json:"status"`
	Value  json.RawMessage `json:"value,omitempty"`
	Error  *ErrorInfo      `json:"error,omitempty"`
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
