package jail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// Encode writes r as one line of JSON, byte for byte what a json.Encoder
// with SetEscapeHTML(false) writes, without ever holding the whole line:
// stdout and stderr (up to 1 MiB each, and up to six bytes of JSON per
// byte printed) are escaped a piece at a time, so jailpy's memory does not
// grow with what the child printed.
func (r *Result) Encode(w io.Writer) error {
	if bw, ok := w.(*bufio.Writer); ok && bw.Available() >= 4096 {
		if b, ok := appendFastVerdict(bw.AvailableBuffer(), r); ok {
			_, err := bw.Write(b)
			return err
		}
	}
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
	// A caller's own buffer (a batch writes many verdicts) is used as it
	// is and left for the caller to flush.
	bw, buffered := w.(*bufio.Writer)
	if !buffered {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	if r.Value != nil {
		// value is the third field, right after the status.
		status, err := marshal(r.Status)
		if err != nil {
			return err
		}
		index := ""
		if r.Index != nil {
			index = `,"index":` + itoa(*r.Index)
		}
		prefix := []byte(`{"version":` + itoa(r.Version) + index + `,"status":` + string(status))
		if !bytes.HasPrefix(before, prefix) {
			return errors.New("verdict: unexpected field order")
		}
		// The value is already compact, strict JSON (cleanValue or
		// plainValue made it so): marshal would only copy it, and it can
		// be the largest thing jailpy holds.
		bw.Write(prefix)
		bw.WriteString(`,"value":`)
		bw.Write(r.Value)
		before = before[len(prefix):]
	}
	bw.Write(before)
	bw.WriteString(`"stdout":`)
	writeString(bw, r.Stdout)
	bw.WriteString(`,"stderr":`)
	writeString(bw, r.Stderr)
	bw.Write(after)
	if err := bw.WriteByte('\n'); err != nil || buffered {
		return err
	}
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

func itoa(n int) string { return strconv.Itoa(n) }
