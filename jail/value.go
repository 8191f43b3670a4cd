package jail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// cleanValue re-encodes the returned value token by token, so what reaches
// the caller is strict JSON whatever bytes the child wrote: valid UTF-8
// (invalid bytes and lone surrogates become U+FFFD, as Go's decoder reads
// them), finite numbers only (1e999999 is infinity to most parsers), key
// order kept.
func cleanValue(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(raw))
	// Strings as written: no \u003c for "<", so the value does not grow
	// past what the child wrote (the result cap is checked on that).
	var str bytes.Buffer
	enc := json.NewEncoder(&str)
	enc.SetEscapeHTML(false)
	// Inside an object the decoder alternates keys and values; a comma
	// goes before every element but the first of each container.
	type level struct {
		object bool
		n      int
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			out.WriteByte(byte(d))
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.object && top.n%2 == 1:
				out.WriteByte(':')
			case top.n > 0:
				out.WriteByte(',')
			}
			top.n++
		}
		switch v := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			stack = append(stack, level{object: v == '{'})
		case json.Number:
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("it holds a number no double can hold: %.40s", v)
			}
			out.WriteString(string(v))
		case string:
			str.Reset()
			enc.Encode(v) // a Go string always encodes
			out.Write(bytes.TrimSuffix(str.Bytes(), []byte("\n")))
		case bool:
			out.WriteString(strconv.FormatBool(v))
		case nil:
			out.WriteString("null")
		}
	}
	return out.Bytes(), nil
}
