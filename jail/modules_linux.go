package jail

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jailpy/jailpy/rootfs"
)

// wrapperImports are the modules the wrapper itself imports, on some path
// or other (an exception's traceback, the policy check, batch mode): a
// narrowed plan must keep them whatever the policy allows. The test
// TestWrapperImportsListed keeps this list in step with wrapper.py.
var wrapperImports = []string{"ast", "builtins", "linecache", "marshal", "mmap", "resource", "time", "traceback", "_json"}

// alwaysPackages are walked whole: the codec registry imports
// encodings.NAME by name at run time ("x".encode("latin-1")), which no
// import statement shows.
var alwaysPackages = []string{"encodings"}

// probeSource runs in a jail with the full plan and policy none: it imports
// what the policy allows and what the wrapper needs, every submodule of
// an allowed package as well (the allow-list is of top-level names), and
// reports the file of every module then loaded. Importing, rather than
// reading import statements, also finds what C modules import (_decimal
// imports numbers and collections) and leaves out the lazy imports of
// modules the user cannot reach (os.popen's subprocess). It uses only
// modules every start has loaded, so it adds nothing of its own.
const probeSource = `import os, sys

def _load(name):
    try:
        __import__(name)
        return sys.modules[name]
    except BaseException:
        return None

def _walk(mod, seen):
    for d in list(getattr(mod, "__path__", None) or ()):
        try:
            names = sorted(os.listdir(d))
        except OSError:
            continue
        for n in names:
            stem = n.split(".")[0]
            if n == "__init__.py" or n.endswith(".pyc") or not stem.isidentifier():
                continue
            full = mod.__name__ + "." + stem
            if full in seen or not (n.endswith((".py", ".so")) or os.path.isfile(os.path.join(d, n, "__init__.py"))):
                continue
            seen.add(full)
            sub = _load(full)
            if sub is not None:
                _walk(sub, seen)

def probe(imports, packages):
    if _load("_json") is None:
        _load("json")  # the wrapper's fallback
    for name in imports:
        _load(name)
    seen = set()
    for name in list(packages) + list(imports):
        mod = sys.modules.get(name)
        if mod is not None:
            _walk(mod, seen)
    files = set()
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if isinstance(f, str) and os.path.isabs(f):
            files.add(f)
    return {"files": sorted(files), "cache_tag": sys.implementation.cache_tag or ""}
`

// probeTimeout bounds the probe; a first import of a large allowed
// package compiles nothing (the stdlib is precompiled) but may be slow on
// a loaded host.
const probeTimeout = 30 * time.Second

// PlanFor is the plan a run of spec mounts: the interpreter's full plan,
// or, with a policy (which always lists the imports it allows), the plan
// narrowed to the modules they and the wrapper need. It may run a jail
// to find them, once: the answer is cached.
func PlanFor(ctx context.Context, spec *Spec) (*rootfs.Plan, error) {
	return planFor(ctx, spec)
}

func planFor(ctx context.Context, spec *Spec) (*rootfs.Plan, error) {
	if spec.Policy == nil {
		return rootfs.PlanFor(spec.Python)
	}
	imports := slices.Clone(spec.Policy.Imports)
	slices.Sort(imports)
	imports = slices.Compact(imports)
	key := sha256.Sum256([]byte(strings.Join(imports, ",") + "\x00" + strings.Join(wrapperImports, ",") + "\x00" + strings.Join(alwaysPackages, ",") + "\x00" + probeSource))
	return rootfs.PlanForModules(spec.Python, fmt.Sprintf("modules %x", key[:12]), func(full *rootfs.Plan) (*rootfs.Modules, error) {
		return probeModules(ctx, spec, full, imports)
	})
}

// probeModules runs probeSource in a jail like spec's, on the full plan.
func probeModules(ctx context.Context, spec *Spec, full *rootfs.Plan, imports []string) (*rootfs.Modules, error) {
	args, err := json.Marshal([]any{append(slices.Clone(wrapperImports), imports...), alwaysPackages})
	if err != nil {
		return nil, err
	}
	lim := DefaultLimits()
	t := probeTimeout
	lim.Wall, lim.CPU = &t, &t
	probe := &Spec{Source: []byte(probeSource), Filename: "jailpy-probe.py", Func: "probe", Args: args,
		Python: spec.Python, Limits: lim, Cgroup: spec.Cgroup, UID: spec.UID, GID: spec.GID}
	r := &run{spec: probe, lim: lim, plan: full}
	res := r.run(ctx)
	if res.Status != StatusOK {
		msg := string(res.Status)
		if res.Error != nil {
			msg += ": " + res.Error.Type + ": " + res.Error.Message
		}
		return nil, fmt.Errorf("finding the modules the policy allows (a probe run in the jail): %s", msg)
	}
	var m rootfs.Modules
	if err := json.Unmarshal(res.Value, &m); err != nil {
		return nil, fmt.Errorf("finding the modules the policy allows: the probe's answer: %w", err)
	}
	return &m, nil
}
