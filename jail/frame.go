package jail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// report is what the wrapper wrote on the result fd, checked byte by byte.
// The bytes come from a process that ran untrusted code, so nothing here
// is believed until it has the exact shape the wrapper writes.
type report struct {
	Started bool   // the wrapper's "S" marker: user code was about to run
	Frame   *frame // one complete, valid frame; nil if there is none
	Problem string // why the bytes after the marker are not one valid frame
	// BadValue says why a well-framed ok value cannot go to the caller
	// (a number no double holds, nesting past 10000): the function's
	// result, not a broken protocol.
	BadValue string
}

// frame is the wrapper's result.
type frame struct {
	Status   string          `json:"status"` // "ok", "error" or "policy"
	Value    json.RawMessage `json:"value"`  // re-encoded, see cleanValue
	Error    *ErrorInfo      `json:"error"`
	Findings []ErrorInfo     `json:"findings"` // policy: every finding
	RawLen   int             `json:"-"`        // bytes of the value as the child wrote it
}

// valueError is a value that is well framed but cannot be sent on.
type valueError struct{ msg string }

func (e valueError) Error() string { return e.msg }

// maxFrameHeader bounds the decimal length line, so a flood of digits is
// rejected without being parsed.
const maxFrameHeader = 20

// parseReport validates the result channel: "S", then "<len>\n<json>",
// then nothing.
func parseReport(b []byte) report {
	if len(b) == 0 {
		return report{}
	}
	if b[0] != 'S' {
		return report{Problem: "the result channel does not start with the wrapper's marker"}
	}
	rest := b[1:]
	if len(rest) == 0 {
		return report{Started: true}
	}
	nl := bytes.IndexByte(rest, '\n')
	if nl <= 0 || nl > maxFrameHeader {
		return report{Started: true, Problem: "malformed frame header"}
	}
	n, err := strconv.ParseUint(string(rest[:nl]), 10, 63)
	if err != nil {
		return report{Started: true, Problem: "malformed frame length"}
	}
	body := rest[nl+1:]
	switch {
	case uint64(len(body)) < n:
		return report{Started: true, Problem: "the frame is truncated"}
	case uint64(len(body)) > n:
		return report{Started: true, Problem: "data follows the frame"}
	}
	f, err := decodeFrame(body)
	var bad valueError
	if errors.As(err, &bad) {
		return report{Started: true, BadValue: bad.msg}
	}
	if err != nil {
		return report{Started: true, Problem: err.Error()}
	}
	return report{Started: true, Frame: f}
}

// decodeFrame accepts exactly the two frame shapes the wrapper writes.
func decodeFrame(body []byte) (*frame, error) {
	// The wrapper's ok frame is this prefix, the value, "}": the value is
	// taken where it lies rather than decoded into a copy (it can be 4 MiB,
	// the largest thing jailpy holds). A body of that shape whose middle
	// is one valid JSON value is exactly what the general path accepts.
	const okPrefix = `{"status":"ok","value":`
	if n := len(body); bytes.HasPrefix(body, []byte(okPrefix)) && n > len(okPrefix)+1 && body[n-1] == '}' {
		// The whole body too: its nesting limit counts the frame's level.
		if v := body[len(okPrefix) : n-1]; json.Valid(v) && json.Valid(body) {
			f := &frame{Status: "ok", Value: v}
			if err := f.check(); err != nil {
				return nil, err
			}
			return f, nil
		}
	}
	var f frame
	if err := decodeStrict(body, &f); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// decodeStrict decodes one JSON object into v, refusing unknown fields
// (at the top and in "error") and anything after it. json.Unmarshal, not
// a Decoder: a Decoder copies the whole frame into a buffer it grows by
// doubling, and a frame can be the largest thing jailpy holds (4 MiB of
// value). Unknown fields are found by decoding the keys alone: a skip is
// handed its value as a slice of the input, and keeps nothing.
func decodeStrict(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) && strings.Contains(syn.Error(), "exceeded max depth") {
			return valueError{"it is nested deeper than 10000 levels"}
		}
		return fmt.Errorf("the frame is not valid JSON: %v", err)
	}
	var top map[string]skip
	if json.Unmarshal(body, &top) != nil {
		return fmt.Errorf("the frame is not a JSON object")
	}
	for k := range top {
		if !knownField(v, k) {
			return fmt.Errorf("the frame has an unknown field %q", k)
		}
	}
	if _, ok := top["error"]; !ok {
		return nil
	}
	var inner struct {
		Error map[string]skip `json:"error"`
	}
	if json.Unmarshal(body, &inner) != nil {
		return fmt.Errorf("the frame's error is not a JSON object")
	}
	for k := range inner.Error {
		if !knownField(&ErrorInfo{}, k) {
			return fmt.Errorf("the frame's error has an unknown field %q", k)
		}
	}
	return nil
}

// skip decodes any JSON value into nothing.
type skip struct{}

// UnmarshalJSON implements json.Unmarshaler.
func (*skip) UnmarshalJSON([]byte) error { return nil }

// knownField reports whether the struct v points to has a field whose
// JSON name is name, its embedded structs' included.
func knownField(v any, name string) bool {
	return jsonNames(reflect.TypeOf(v).Elem())[name]
}

func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && tag == "":
			for n := range jsonNames(f.Type) {
				names[n] = true
			}
		case tag != "-" && tag != "":
			names[tag] = true
		}
	}
	return names
}

// check accepts an ok frame with a value or an error frame with an
// error type, and cleans the value.
func (f *frame) check() error {
	switch f.Status {
	case "ok":
		if len(f.Value) == 0 || f.Error != nil {
			return fmt.Errorf("an ok frame needs a value and no error")
		}
		v, err := cleanValue(f.Value)
		if err != nil {
			return valueError{err.Error()}
		}
		f.RawLen, f.Value = len(f.Value), v
	case "error":
		if f.Error == nil || f.Error.Type == "" || len(f.Value) != 0 {
			return fmt.Errorf("an error frame needs an error type and no value")
		}
	case "policy":
		if len(f.Findings) == 0 || len(f.Value) != 0 || f.Error != nil {
			return fmt.Errorf("a policy frame needs findings and no value or error")
		}
		for _, x := range f.Findings {
			if x.Rule == "" || x.Message == "" {
				return fmt.Errorf("a policy finding needs a rule and a message")
			}
		}
	default:
		return fmt.Errorf("unknown frame status %q", f.Status)
	}
	return nil
}
