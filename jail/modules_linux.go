package jail

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jailpy/jailpy/rootfs"
)

// wrapperImports are the modules the wrapper itself imports, on some path
// or other (an exception's traceback, the policy check, batch mode): a
// narrowed plan must keep them whatever the policy allows. The test
// TestWrapperImportsListed keeps this list in step with wrapper.py.
var wrapperImports = []string{"ast", "builtins", "linecache", "marshal", "mmap", "re", "resource", "time", "traceback", "_json"}

// interpreterImports are imported by the interpreter itself, from C,
// for code that has no import statement: `from __future__ import`
// (always allowed), time.strptime's _strptime, 3.12's _pylong for huge
// int conversions. Absent ones are skipped.
var interpreterImports = []string{"__future__", "_strptime", "_pylong"}

// alwaysPackages are walked whole: the codec registry imports
// encodings.NAME by name at run time ("x".encode("latin-1")), which no
// import statement shows.
var alwaysPackages = []string{"encodings"}

// probeSource runs in a jail with the full plan and policy none, and
// answers which module files a policy's jail keeps:
//
//   - what is loaded after importing the allowed modules, every submodule
//     of an allowed package (the allow-list is of top-level names) and
//     what the wrapper and the interpreter import: this finds what C
//     modules import (_decimal imports numbers and collections.abc);
//   - the static import closure of every Python source among them,
//     imports inside functions included (random.seed imports hashlib
//     lazily, functools.singledispatch weakref): Python source adds no
//     capability, the upload could as well carry the code itself;
//   - of extension modules (the C parts, where capabilities live), only
//     those loaded above, or named by an import in an allowed module's
//     own source. So os.popen's subprocess.py is there, but not
//     _posixsubprocess.
//
// Modules are found the way the import system finds them, without running
// any (PathFinder, from each parent's search path), so an alias such as
// 3.13's collections.abc (a module that replaces itself in sys.modules)
// still names its file.
const probeSource = `import os, sys

_finder = sys.modules["_frozen_importlib_external"].PathFinder

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

def _find(name):
    path, spec = None, None
    parts = name.split(".")
    for i in range(len(parts)):
        if i and path is None:
            return None
        try:
            spec = _finder.find_spec(".".join(parts[:i + 1]), path)
        except Exception:
            return None
        if spec is None:
            return None
        path = spec.submodule_search_locations
    return spec

_import_re = None

def _imports(path, name, is_pkg):
    # A regular expression over the source, not ast: parsing the ~400
    # files of a closure takes CPython 2 s, this 50 ms. It may also match
    # an import quoted in a docstring, which only keeps one file more.
    global _import_re
    if _import_re is None:
        import re
        _import_re = re.compile(r"^[ \t]*(?:import[ \t]+([\w. \t,]+)|from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^#\n;]*))", re.M)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except Exception:
        return []
    pkg = (name if is_pkg else name.rpartition(".")[0]).split(".")
    out = []
    for plain, dots, module, names in _import_re.findall(text):
        if plain:
            out += [part.split()[0] for part in plain.split(",") if part.split()]
            continue
        if dots:
            if len(dots) - 1 >= len(pkg) or pkg == [""]:
                continue
            module = ".".join(pkg[:len(pkg) - (len(dots) - 1)] + ([module] if module else []))
        if module:
            out.append(module)
            for part in names.strip("() \t\n\\").replace("\\\n", " ").split(","):
                word = part.split()[0] if part.split() else ""
                if word.isidentifier():
                    out.append(module + "." + word)
    return out

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
    tops = {n.split(".")[0] for n in imports}
    queue = [(n, True) for n in sys.modules]
    done = {}
    while queue:
        name, direct = queue.pop()
        if not name or done.get(name) is True or (name in done and not direct):
            continue
        done[name] = direct
        parts = name.split(".")
        queue += [(".".join(parts[:i]), direct) for i in range(1, len(parts))]
        spec = _find(name)
        origin = getattr(spec, "origin", None)
        if not isinstance(origin, str) or not os.path.isabs(origin) or not os.path.isfile(origin):
            continue
        if origin.endswith(".py"):
            files.add(origin)
            mine = parts[0] in tops
            queue += [(dep, mine) for dep in _imports(origin, name, spec.submodule_search_locations is not None)]
        elif direct:
            files.add(origin)
    return {"files": sorted(files), "cache_tag": sys.implementation.cache_tag or "",
            "builtin": sorted(sys.builtin_module_names)}
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
	if spec.Policy == nil {
		return rootfs.PlanFor(spec.Python)
	}
	imports := slices.Clone(spec.Policy.Imports)
	slices.Sort(imports)
	imports = slices.Compact(imports)
	// JSON, so that no list of names can spell another ("a,b" and "a", "b").
	keyJSON, err := json.Marshal([]any{imports, wrapperImports, interpreterImports, alwaysPackages, probeSource})
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(keyJSON)
	return rootfs.PlanForModules(spec.Python, fmt.Sprintf("modules %x", key[:12]), func(full *rootfs.Plan) (*rootfs.Modules, error) {
		return probeModules(ctx, spec, full, imports)
	})
}

// probeModules runs probeSource in a jail like spec's, on the full plan.
func probeModules(ctx context.Context, spec *Spec, full *rootfs.Plan, imports []string) (*rootfs.Modules, error) {
	names := append(append(slices.Clone(wrapperImports), interpreterImports...), imports...)
	args, err := json.Marshal([]any{names, alwaysPackages})
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
		if e := res.Error; e != nil && e.Type != "" {
			msg += ": " + e.Type + ": " + e.Message
		} else if e != nil {
			msg += ": " + e.Message
		}
		return nil, fmt.Errorf("finding the modules the policy allows (a probe run in the jail): %s", msg)
	}
	var m rootfs.Modules
	if err := json.Unmarshal(res.Value, &m); err != nil {
		return nil, fmt.Errorf("finding the modules the policy allows: the probe's answer: %w", err)
	}
	return &m, nil
}
