package selftest

import (
	"context"

	"github.com/jailpy/jailpy/jail"
)

// Exec runs one attack the way `jailpy exec` runs a file: args as --args,
// the header's limits as flags, observe called once the jail's init has
// started. It returns the verdict line exactly as jailpy exec prints it;
// an error means the header could not be made into a run.
type Exec func(ctx context.Context, a *Attack, args []byte, observe func(jail.Started)) ([]byte, error)

// The results an attack can have.
const (
	Held    = "held"    // the expected verdict, and nothing reached the host
	Escaped = "ESCAPED" // something reached the host, whatever the verdict
	Wrong   = "WRONG"   // nothing reached the host, but the verdict was not the expected one
)

// Result is one row of the selftest's table.
type Result struct {
	Attack   string   `json:"attack"`
	Category string   `json:"category"`
	Tries    string   `json:"tries"`
	Expect   string   `json:"expect"`
	Verdict  string   `json:"verdict"` // status and detail, as in Expect
	MS       float64  `json:"ms"`
	Result   string   `json:"result"`
	Problems []string `json:"problems,omitempty"`
}

// Summary counts a selftest's results.
type Summary struct {
	Attacks int     `json:"attacks"`
	Held    int     `json:"held"`
	Escaped int     `json:"escaped"`
	Wrong   int     `json:"wrong"`
	Seconds float64 `json:"seconds"`
}

// OK reports whether every attack held.
func (s Summary) OK() bool { return s.Attacks > 0 && s.Held == s.Attacks }
