package selftest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/jailpy/jailpy/jail"
)

// hostState is what the host looked like before an attack, to compare
// with after it.
type hostState struct {
	hits    map[string]int64
	entries []string // the canary directory's names
	mounts  []byte   // this process's mount table
}

func (c *Canaries) snapshot() hostState {
	s := hostState{hits: c.Hits(), mounts: mountTable()}
	s.entries = dirNames(c.Dir)
	return s
}

func dirNames(dir string) []string {
	ents, _ := os.ReadDir(dir)
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names
}

func mountTable() []byte {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	return b
}

// escapes lists what an attack did to the host: every check of the
// selftest except the verdict's own.
func (c *Canaries) escapes(before hostState, marker string, verdict []byte, seen *jail.Started) []string {
	var out []string
	if bytes.Contains(verdict, []byte(c.Secret)) {
		out = append(out, "the secret is in the verdict")
	}
	for kind, n := range c.Hits() {
		if d := n - before.hits[kind]; d > 0 {
			out = append(out, fmt.Sprintf("the %s listener was reached %d times", kind, d))
		}
	}
	if err := c.SentinelAlive(); err != nil {
		out = append(out, err.Error())
	}
	if _, err := os.Lstat(marker); !errors.Is(err, fs.ErrNotExist) {
		out = append(out, "the marker path exists on the host: "+marker)
	}
	if now := dirNames(c.Dir); !slices.Equal(now, before.entries) {
		out = append(out, fmt.Sprintf("the canary directory changed: %v, was %v", now, before.entries))
	}
	if !bytes.Equal(mountTable(), before.mounts) {
		out = append(out, "the host's mount table changed")
	}
	if seen != nil {
		if seen.PidNS == "" {
			out = append(out, "could not read the run's pid namespace: its processes cannot be checked")
		} else if left := inPidNS(seen.PidNS); len(left) > 0 {
			out = append(out, fmt.Sprintf("processes of the run are left: %v", left))
		}
		for _, dir := range seen.Cgroups {
			if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
				out = append(out, "the run's cgroup is left: "+dir)
			}
		}
	}
	return out
}

// strictVerdict decodes one verdict line the way a careful caller would:
// valid UTF-8, one JSON object of the documented fields and nothing after
// it, a known status and a value that is itself valid JSON.
func strictVerdict(line []byte) (*jail.Result, error) {
	if !utf8.Valid(line) {
		return nil, errors.New("the verdict is not valid UTF-8")
	}
	if len(line) == 0 || line[len(line)-1] != '\n' || bytes.Count(line, []byte("\n")) != 1 {
		return nil, errors.New("the verdict is not exactly one line")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var res jail.Result
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("the verdict is not strict JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("the verdict has bytes after its JSON object")
	}
	if res.Version != jail.Version || !slices.Contains(knownStatuses, res.Status) {
		return nil, fmt.Errorf("the verdict has version %d, status %q", res.Version, res.Status)
	}
	if res.Value != nil && !json.Valid(res.Value) {
		return nil, errors.New("the verdict's value is not valid JSON")
	}
	return &res, nil
}
