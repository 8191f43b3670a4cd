package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/jailpy/jailpy/jail"
)

// policyFile is a policy kept in an app's repository, in TOML (parsed by
// BurntSushi/toml: the TOML library Go projects share, strict about its
// grammar, and it reports keys it did not use, so a misspelt key is an
// error rather than a silently ignored rule):
//
//	base = "math"                       # start from a built-in profile (default safe)
//	imports = ["math", "statistics"]    # replace the base's lists ...
//	builtins = ["abs", "len", "sum"]
//	forbidden = ["print"]               # ... or add to its forbidden names
//	dunder = true
//	[limits]                            # defaults; flags given still win
//	timeout = "2s"
//	memory = "128MiB"
type policyFile struct {
	Name      string         `toml:"name"`
	Base      string         `toml:"base"`
	Imports   *[]string      `toml:"imports"`
	Builtins  *[]string      `toml:"builtins"`
	Forbidden []string       `toml:"forbidden"`
	Nodes     *[]string      `toml:"nodes"`
	Dunder    *bool          `toml:"dunder"`
	Limits    map[string]any `toml:"limits"`
}

// policyLimits are the [limits] keys a policy file may set: the exec
// flags of the same names.
var policyLimits = []string{"timeout", "cpu-time", "memory", "pids", "output", "result", "tmp"}

// loadPolicy reads --policy: a built-in profile's name, or a TOML file.
// It returns the policy and the file's default limits.
func loadPolicy(value string) (*jail.Policy, map[string]string, error) {
	if p, err := jail.PolicyByName(value); err == nil {
		return p, nil, nil
	}
	if !strings.HasSuffix(value, ".toml") {
		return nil, nil, usagef("--policy %q: use %s, or a policy file ending in .toml", value, strings.Join(jail.PolicyNames(), ", "))
	}
	var f policyFile
	meta, err := toml.DecodeFile(value, &f)
	if err != nil {
		return nil, nil, usagef("--policy %s: %v", value, oneLine(err))
	}
	if extra := meta.Undecoded(); len(extra) > 0 {
		return nil, nil, usagef("--policy %s: unknown key %q", value, extra[0].String())
	}
	if f.Base == "" {
		f.Base = "safe" // a file that names no base starts from safe, never from nothing
	}
	b, err := jail.PolicyByName(f.Base)
	if err != nil || b == nil {
		return nil, nil, usagef("--policy %s: base %q: use safe or math", value, f.Base)
	}
	copied := *b
	p := &copied
	p.Name = strings.TrimSuffix(filepath.Base(value), ".toml")
	if f.Name != "" {
		p.Name = f.Name
	}
	if f.Imports != nil {
		// Top-level module names only: the checks compare the first
		// component, and a name like ".ctypes" or "a,b" would mean one
		// thing to them and another to the import system.
		for _, name := range *f.Imports {
			if !funcName.MatchString(name) {
				return nil, nil, usagef("--policy %s: imports: %q is not a top-level module name (an identifier; submodules come with their package)", value, name)
			}
		}
		p.Imports = *f.Imports
	}
	if f.Builtins != nil {
		p.Builtins = *f.Builtins
	}
	if f.Nodes != nil {
		p.Nodes = *f.Nodes
	}
	if f.Dunder != nil {
		p.Dunder = *f.Dunder
	}
	p.Forbidden = append(append([]string{}, p.Forbidden...), f.Forbidden...)
	limits := map[string]string{}
	for k, v := range f.Limits {
		if !slices.Contains(policyLimits, k) {
			return nil, nil, usagef("--policy %s: [limits] %q: use %s", value, k, strings.Join(policyLimits, ", "))
		}
		switch v := v.(type) {
		case string:
			limits[k] = v
		case int64:
			limits[k] = fmt.Sprint(v) // pids = 8; sizes in bytes
		default:
			return nil, nil, usagef("--policy %s: [limits] %s: a string (\"2s\", \"128MiB\") or a whole number", value, k)
		}
	}
	if meta.IsDefined("limits") && meta.Type("limits") != "Hash" {
		return nil, nil, usagef("--policy %s: limits must be a table ([limits])", value)
	}
	return p, limits, nil
}

// withDefaults reads flags from c, and from defaults for those not given.
type withDefaults struct {
	flagReader
	defaults map[string]string
}

func (w withDefaults) String(name string) string {
	if v, ok := w.defaults[name]; ok && !w.flagReader.IsSet(name) {
		return v
	}
	return w.flagReader.String(name)
}

// oneLine is err's message on one line, for a usage error.
func oneLine(err error) string {
	return strings.Join(strings.Fields(fmt.Sprint(err)), " ")
}
