package jail

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

// encoderBytes is the reference: what json.Encoder writes.
func encoderBytes(t *testing.T, r *Result) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEncodeMatchesEncodingJSON: the streamed verdict is byte for byte
// json.Encoder's, for every status shape and for stdout/stderr full of the
// bytes that need escapes, split across pieces anywhere.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "\x00", "\x01", "\n", "\"", "\\", "<", ">", "&", "é", "€", "😀", "\u2028", "\u2029", "\xff", "\xe2\x82", "\ufffd"}
	noise := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	results := []*Result{
		{Version: 1, Status: StatusOK, Value: json.RawMessage(`{"a":[1,2.5,"<x>"]}`)},
		{Version: 1, Status: StatusOK, Value: json.RawMessage(`null`), Stdout: `"stdout":"","stderr":""`},
		{Version: 1, Status: StatusError, Error: &ErrorInfo{Type: "ValueError", Message: `"stdout":"","stderr":""`, Line: 3}},
		{Version: 1, Status: StatusViolation, Syscall: "socket", Stderr: "x"},
		{Version: 1, Status: StatusOutput, Stream: "stdout", Limits: Enforced{Cgroup: "v1", CgroupNote: "<&>"}},
		{Version: 1, Status: StatusInternal, Error: &ErrorInfo{Message: "m"}},
	}
	for _, n := range []int{0, 1, 100, 32<<10 - 1, 32 << 10, 32<<10 + 1, 200 << 10} {
		results = append(results, &Result{Version: 1, Status: StatusOK, Value: json.RawMessage(`1`),
			Stdout: noise(n), Stderr: noise(n / 2), WallMS: 1.5})
	}
	for i, r := range results {
		var got bytes.Buffer
		if err := r.Encode(&got); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if want := encoderBytes(t, r); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%d: streamed verdict differs from encoding/json's\n got %.300q\nwant %.300q", i, got.Bytes(), want)
		}
	}
}
