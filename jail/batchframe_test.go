package jail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// plainValue's promise: a value it accepts is exactly what cleanValue
// would make of it; the values cleanValue changes or refuses it leaves to
// cleanValue.
func TestPlainValue(t *testing.T) {
	plain := []string{`2.5`, `-0.0`, `[1,2,3]`, `{"a":[true,false,null],"b":"x<y>&"}`, `"true e"`, `12345678901234567890`, `[]`, `{}`}
	for _, v := range plain {
		if !plainValue([]byte(v)) {
			t.Errorf("%s: not plain", v)
			continue
		}
		if got, err := cleanValue([]byte(v)); err != nil || string(got) != v {
			t.Errorf("%s: cleanValue gives %s, %v", v, got, err)
		}
	}
	for _, v := range []string{`1e999`, `1E5`, `"\ud800"`, `"é"`, `[1, 2]`, `{"a":1}x`, `"abc`, `nan`, `[1,]`, strings.Repeat("9", 301)} {
		if plainValue([]byte(v)) {
			t.Errorf("%s: taken as plain", v)
		}
	}
}

func FuzzPlainValue(f *testing.F) {
	for _, s := range []string{`2.5`, `[1,{"a":"b"}]`, `1e999`, `"\u00e9"`, `[true,false,null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if !plainValue(v) {
			return
		}
		got, err := cleanValue(v)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("plain %q, cleanValue gives %q, %v", v, got, err)
		}
	})
}

// The fast verdict is byte for byte what Encode's general path writes.
func TestFastVerdictMatchesEncode(t *testing.T) {
	idx := 7
	lim := DefaultLimits().enforced("v1", "a note with \"quotes\" <and> é")
	for _, f := range []float64{0, 0.001, 1.5, 123456.789, 1e-7, 3e21, 5e-324, 0.1 + 0.2, math.MaxFloat64} {
		for _, out := range []string{"", "hello\n", "tab\there", "<b>&</b>"} {
			r := &Result{Version: Version, Index: &idx, Status: StatusOK, Value: json.RawMessage(`[1,"x"]`),
				Stdout: out, WallMS: f, CPUMS: f / 3, Memory: 12345, Limits: lim}
			var general bytes.Buffer
			if err := r.Encode(&general); err != nil { // not a *bufio.Writer: the general path
				t.Fatal(err)
			}
			fast, ok := appendFastVerdict(nil, r)
			plain := plainString(out)
			if ok != plain {
				t.Fatalf("stdout %q: fast path taken %v, plain %v", out, ok, plain)
			}
			if ok && !bytes.Equal(fast, general.Bytes()) {
				t.Fatalf("fast:\n%s\ngeneral:\n%s", fast, general.Bytes())
			}
			var viaBuffer bytes.Buffer
			bw := bufio.NewWriter(&viaBuffer)
			if err := r.Encode(bw); err != nil || bw.Flush() != nil || !bytes.Equal(viaBuffer.Bytes(), general.Bytes()) {
				t.Fatalf("Encode to a bufio.Writer differs:\n%s\n%s", viaBuffer.Bytes(), general.Bytes())
			}
		}
	}
}

func TestReadCallFrame(t *testing.T) {
	good := "3 10 20 4096 4\nV1.5"
	h, body, err := readCallFrame(bufio.NewReader(strings.NewReader(good)), 100)
	if err != nil || h != (callHead{3, 10, 20, 4096}) || string(body) != "V1.5" {
		t.Fatalf("%+v %q %v", h, body, err)
	}
	for _, bad := range []string{"3 10 20 4096\nV1.5", "3 10 20 4096 9\nV1.5", "x 1 1 1 1\nV", "1 1 1 1 0\n", "1 1 1 1 200\n",
		"-1 1 1 1 1\nV", "1  1 1 1 1\nV", "1 1 1 1 1 1\nVV", strings.Repeat("9", 120) + " 1 1 1 1\nV",
		"1 1 1 1 9223372036854775808\nV", "1 1 1 1 9999999999999999999\nV"} {
		if _, _, err := readCallFrame(bufio.NewReader(strings.NewReader(bad)), 100); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
	if _, _, err := readCallFrame(bufio.NewReader(strings.NewReader("")), 100); err == nil || err.Error() != "EOF" {
		t.Errorf("empty stream: %v, want EOF", err)
	}
}

func FuzzReadCallFrame(f *testing.F) {
	for _, s := range []string{"0 1 1 1 4\nV1.5", "1 2 3 4 30\nJ{\"status\":\"error\",\"error\":{}}", "5 0 0 0 2\nV["} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReader(bytes.NewReader(b))
		for {
			h, body, err := readCallFrame(br, 1<<10)
			if err != nil {
				return
			}
			if len(body) == 0 || len(body) > 1<<10 {
				t.Fatalf("body of %d bytes", len(body))
			}
			res, _ := callVerdict(h, body, "", "", DefaultLimits())
			if !json.Valid(res.Value) && res.Value != nil {
				t.Fatalf("verdict value not JSON: %q", res.Value)
			}
			var enc bytes.Buffer
			if err := res.Encode(&enc); err != nil || !json.Valid(enc.Bytes()) {
				t.Fatalf("verdict not JSON (%v): %s", err, enc.Bytes())
			}
		}
	})
}

func TestCallVerdict(t *testing.T) {
	lim := DefaultLimits()
	small := int64(8)
	lim.Result, lim.Output = &small, &small
	h := callHead{WallUS: 1500, CPUUS: 1000, RSS: 4096}
	cases := []struct {
		body, rawOut string
		status       Status
		detail       string
		restart      bool
	}{
		{`V2.5`, "", StatusOK, "2.5", false},
		{`V1e999`, "", StatusError, "ResultError", false},
		{`V[1,2,3,4,5]`, "", StatusOutput, "result", false},
		{`J{"status":"ok","value":1,"stdout":"hi","stderr":""}`, "", StatusOK, "1", false},
		{`J{"status":"ok","value":1,"stdout":"hi","stderr":""}`, "and raw", StatusOutput, "stdout", true},
		{`J{"status":"error","error":{"type":"ValueError","message":"x"},"stdout":"","stderr":""}`, "", StatusError, "ValueError", false},
		{`J{"status":"error","error":{"type":"MemoryError","message":""},"stdout":"","stderr":""}`, "", StatusMemory, "MemoryError", true},
		{`J{"status":"output","stream":"stderr","stdout":"","stderr":"xxxx"}`, "", StatusOutput, "stderr", true},
		{`J{"status":"output","stdout":"","stderr":""}`, "", StatusError, "ProtocolError", true},
		{`J{"status":"ok","value":1,"extra":1,"stdout":"","stderr":""}`, "", StatusError, "ProtocolError", true},
		{`X1`, "", StatusError, "ProtocolError", true},
	}
	for _, c := range cases {
		res, restart := callVerdict(h, []byte(c.body), c.rawOut, "", lim)
		detail := string(res.Value) + res.Stream
		if res.Error != nil {
			detail = res.Error.Type
		}
		if res.Status != c.status || detail != c.detail || restart != c.restart {
			t.Errorf("%s: %s %q restart %v; want %s %q %v", c.body, res.Status, detail, restart, c.status, c.detail, c.restart)
		}
		if res.WallMS != 1.5 || res.CPUMS != 1 || res.Memory != 4096 {
			t.Errorf("%s: measurements %v %v %v", c.body, res.WallMS, res.CPUMS, res.Memory)
		}
	}
}

// A policy frame needs findings, each with a rule and a message; the
// verdict's error is the first.
func TestPolicyFrames(t *testing.T) {
	good := `{"status":"policy","findings":[{"rule":"import","message":"import of os","line":1,"col":1},{"rule":"name","message":"eval","line":2,"col":3}]}`
	r := parseReport(frameBytes(good))
	if r.Frame == nil || r.Problem != "" {
		t.Fatalf("good policy frame: %+v", r)
	}
	res := decide(outcome{Report: r})
	if res.Status != StatusPolicy || len(res.Findings) != 2 || res.Error.Rule != "import" || res.Status.ExitCode() != 1 {
		t.Fatalf("verdict: %+v", res)
	}
	for _, bad := range []string{
		`{"status":"policy","findings":[]}`,
		`{"status":"policy","findings":[{"rule":"","message":"x"}]}`,
		`{"status":"policy","value":1,"findings":[{"rule":"r","message":"x"}]}`,
	} {
		if r := parseReport(frameBytes(bad)); r.Problem == "" {
			t.Errorf("%s: accepted", bad)
		}
	}
}
