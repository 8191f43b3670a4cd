package jail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// errFrameTooBig is a frame whose length is over the limit: a value far
// over --result, or a protocol break.
var errFrameTooBig = errors.New("a frame over the size limit")

// maxCallHeader bounds a batch frame's header line.
const maxCallHeader = 5 * 21

// readCallFrame reads one frame, "<seq> <wall us> <cpu us> <rss> <length>\n"
// and then length bytes, at most max. io.EOF means the stream ended
// cleanly between frames.
func readCallFrame(r *bufio.Reader, max int64) (h callHead, body []byte, err error) {
	line, err := r.ReadSlice('\n')
	if err == io.EOF && len(line) == 0 {
		return h, nil, io.EOF
	}
	if err != nil || len(line) > maxCallHeader {
		return h, nil, errors.New("malformed frame header")
	}
	var n uint64
	fields := [...]*uint64{&h.Seq, &h.WallUS, &h.CPUUS, &h.RSS, &n}
	rest := line[:len(line)-1]
	for i, f := range fields {
		end := bytes.IndexByte(rest, ' ')
		if i == len(fields)-1 {
			end = len(rest)
		}
		if end <= 0 || !parseDecimal(rest[:end], f) {
			return h, nil, errors.New("malformed frame header")
		}
		rest = rest[min(end+1, len(rest)):]
	}
	if n == 0 {
		return h, nil, errors.New("an empty frame")
	}
	if max < 0 || n > uint64(max) { // compared unsigned: 19 digits can pass int64's top

		return h, nil, fmt.Errorf("%w: %d bytes, at most %d", errFrameTooBig, n, max)
	}
	body = make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return h, nil, errors.New("the frame is truncated")
	}
	return h, body, nil
}

// parseDecimal parses 1 to 19 decimal digits.
func parseDecimal(b []byte, into *uint64) bool {
	if len(b) == 0 || len(b) > 19 {
		return false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + uint64(c-'0')
	}
	*into = v
	return true
}

// decodeCallFrame accepts the three shapes of a batch call's frame: ok,
// error, and output (a stream printed past its cap).
func decodeCallFrame(body []byte) (*callFrame, error) {
	var f callFrame
	if err := decodeStrict(body, &f); err != nil {
		return nil, err
	}
	if f.Status == "output" {
		if (f.Stream != "stdout" && f.Stream != "stderr" && f.Stream != "result") || f.Value != nil || f.Error != nil {
			return nil, errors.New("an output frame needs a stream and no value or error")
		}
		return &f, nil
	}
	if f.Stream != "" {
		return nil, errors.New("only an output frame names a stream")
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// decodeCallBody reads a frame's body: b"V" and a bare value (an ok call
// that printed nothing, the common case), or b"J" and a JSON frame.
func decodeCallBody(body []byte) (*callFrame, error) {
	switch {
	case len(body) > 1 && body[0] == 'V':
		f := &callFrame{frame: frame{Status: "ok", Value: body[1:], RawLen: len(body) - 1}}
		if plainValue(f.Value) {
			return f, nil // already what cleanValue would make of it
		}
		if !json.Valid(f.Value) {
			var raw json.RawMessage
			if err := decodeStrict(f.Value, &raw); err != nil {
				return nil, err // nested too deep (a valueError), or broken
			}
			return nil, errors.New("the frame's value is not valid JSON")
		}
		v, err := cleanValue(f.Value)
		if err != nil {
			return nil, valueError{err.Error()}
		}
		f.Value = v
		return f, nil
	case len(body) > 1 && body[0] == 'J':
		return decodeCallFrame(body[1:])
	}
	return nil, errors.New("a frame body that is neither V nor J")
}

// callVerdict is the verdict for one call from its frame, what reached
// the pipes besides it (raw writes to fds 1 and 2), and the caps. restart
// says the jail must not take another call.
func callVerdict(h callHead, body []byte, rawOut, rawErr string, lim Limits) (res *Result, restart bool) {
	defer func() {
		res.WallMS, res.CPUMS, res.Memory = float64(h.WallUS)/1000, float64(h.CPUUS)/1000, h.RSS
	}()
	f, err := decodeCallBody(body)
	var bad valueError
	switch {
	case errors.As(err, &bad):
		return userError("ResultError", "the return value cannot be sent as JSON: "+bad.msg), false
	case err != nil:
		return userError("ProtocolError", "user code wrote to the result channel: "+err.Error()), true
	}
	out, errText := validText(f.Stdout)+rawOut, validText(f.Stderr)+rawErr
	capped := func(stream string) *Result { return &Result{Status: StatusOutput, Stream: stream} }
	outCap := deref(lim.Output)
	switch {
	case f.Status == "output":
		res, restart = capped(f.Stream), f.Stream != "result" // a flood; a value over --result leaves the jail as it was
	case outCap > 0 && int64(len(out)) > outCap:
		res, restart = capped("stdout"), true
	case outCap > 0 && int64(len(errText)) > outCap:
		res, restart = capped("stderr"), true
	case f.Status == "policy":
		res = policyResult(f.Findings)
	case f.Status == "error" && f.Error.Type == "MemoryError":
		res, restart = &Result{Status: StatusMemory, Error: f.Error}, true
	case f.Status == "error":
		res = &Result{Status: StatusError, Error: f.Error}
	case lim.Result != nil && int64(max(f.RawLen, len(f.Value))) > *lim.Result:
		res, restart = capped("result"), false
	default:
		res = &Result{Status: StatusOK, Value: f.Value}
	}
	if res.Status == StatusOutput {
		out, errText = clip(out, outCap), clip(errText, outCap)
	}
	res.Stdout, res.Stderr = out, errText
	return res, restart
}

// validText is s with invalid UTF-8 replaced, as the verdict needs.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int64) string {
	if n <= 0 || int64(len(s)) <= n {
		return s
	}
	i := int(n)
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i]
}
