package jail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// Encode writes r as one line of JSON, byte for byte what a json.Encoder
// with SetEscapeHTML(false) writes, without ever holding the whole line:
// stdout and stderr (up to 1 MiB each, and up to six bytes of JSON per
// byte printed) are escaped a piece at a time, so jailpy's memory does not
// grow with what the child printed.
func (r *Result) Encode(w io.Writer) error {
	small := *r
	small.Value, small.Stdout, small.Stderr = nil, "", ""
	head, err := marshal(&small)
	if err != nil {
		return err
	}
	// Every string in head has its quotes escaped, so these bytes can only
	// be the two fields themselves.
	const streams = `"stdout":"","stderr":""`
	i := bytes.Index(head, []byte(streams))
	if i < 0 {
		return errors.New("verdict: stdout and stderr fields not found")
	}
	before, after := head[:i], head[i+len(streams):]
	bw := bufio.NewWriterSize(w, 64<<10)
	if r.Value != nil {
		// value is the third field, right after the status.
		status, err := marshal(r.Status)
		if err != nil {
			return err
		}
		prefix := []byte(`{"version":` + itoa(r.Version) + `,"status":` + string(status))
		if !bytes.HasPrefix(before, prefix) {
			return errors.New("verdict: unexpected field order")
		}
		value, err := marshal(r.Value)
		if err != nil {
			return err
		}
		bw.Write(prefix)
		bw.WriteString(`,"value":`)
		bw.Write(value)
		before = before[len(prefix):]
	}
	bw.Write(before)
	bw.WriteString(`"stdout":`)
	writeString(bw, r.Stdout)
	bw.WriteString(`,"stderr":`)
	writeString(bw, r.Stderr)
	bw.Write(after)
	bw.WriteByte('\n')
	return bw.Flush()
}

// marshal is json.Marshal without HTML escaping and without the newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeString writes s as a JSON string in pieces. Pieces end on rune
// boundaries and encoding/json escapes rune by rune, so the pieces'
// escapes joined are the whole string's.
func writeString(w *bufio.Writer, s string) {
	const piece = 32 << 10
	w.WriteByte('"')
	for len(s) > 0 {
		n := min(piece, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		b, _ := marshal(s[:n]) // a string always marshals
		w.Write(b[1 : len(b)-1])
		s = s[n:]
	}
	w.WriteByte('"')
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
