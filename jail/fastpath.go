package jail

import (
	"encoding/json"
	"math"
	"strconv"
	"sync"
)

// A batch turns tens of thousands of frames a second into verdicts, and
// encoding/json's reflection was most of jailpy's time there. These fast
// paths take the common shapes (a plain ASCII value, an ok verdict of
// plain strings) and give byte for byte what the general code gives (the
// tests compare them); anything else takes the general code.

// plainValue reports whether raw is a JSON value that cleanValue would
// give back unchanged: valid, compact, ASCII without escapes (so no lone
// surrogate to replace), and no number that could overflow a double (no
// exponent, at most 300 digits).
func plainValue(raw []byte) bool {
	inString, digits := false, 0
	for _, c := range raw {
		switch {
		case c >= 0x80 || c == '\\':
			return false
		case inString:
			if c < 0x20 {
				return false
			}
			inString = c != '"'
		case c == '"':
			inString, digits = true, 0
		case c >= '0' && c <= '9':
			if digits++; digits > 300 {
				return false
			}
		case c == 'e' || c == 'E':
			if digits > 0 {
				return false // an exponent (true and false have no digit before the e)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		default:
			digits = 0
		}
	}
	return !inString && json.Valid(raw)
}

// plainString reports whether s encodes as itself between quotes.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendFastVerdict appends r's JSON line when r is an ok verdict whose
// strings are plain, as Encode would write it; ok is false otherwise.
func appendFastVerdict(b []byte, r *Result) ([]byte, bool) {
	if r.Status != StatusOK || r.Value == nil || r.Error != nil || r.Limit != "" || r.Syscall != "" ||
		r.Signal != "" || r.Stream != "" || r.Timings != nil || !plainString(r.Stdout) || !plainString(r.Stderr) {
		return b, false
	}
	limits, err := encodedLimits(r.Limits)
	if err != nil {
		return b, false
	}
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(r.Version), 10)
	if r.Index != nil {
		b = append(b, `,"index":`...)
		b = strconv.AppendInt(b, int64(*r.Index), 10)
	}
	b = append(b, `,"status":"ok","value":`...)
	b = append(b, r.Value...)
	b = append(b, `,"stdout":"`...)
	b = append(b, r.Stdout...)
	b = append(b, `","stderr":"`...)
	b = append(b, r.Stderr...)
	b = append(b, `","wall_ms":`...)
	b = appendJSONFloat(b, r.WallMS)
	b = append(b, `,"cpu_ms":`...)
	b = appendJSONFloat(b, r.CPUMS)
	b = append(b, `,"memory_bytes":`...)
	b = strconv.AppendUint(b, r.Memory, 10)
	b = append(b, `,"limits":`...)
	b = append(b, limits...)
	return append(b, "}\n"...), true
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// The limits of a batch's verdicts are the same for every call: encoded
// once.
var lastLimits struct {
	sync.Mutex
	of  Enforced
	enc []byte
}

func encodedLimits(e Enforced) ([]byte, error) {
	lastLimits.Lock()
	defer lastLimits.Unlock()
	if lastLimits.enc != nil && lastLimits.of == e {
		return lastLimits.enc, nil
	}
	enc, err := marshal(e)
	if err != nil {
		return nil, err
	}
	lastLimits.of, lastLimits.enc = e, enc
	return enc, nil
}
