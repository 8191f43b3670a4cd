package jail

import (
	"fmt"
	"sort"
)

// Policy is what an upload may use, checked inside the jail, with the
// interpreter that will run it, before any of it runs (Python's ast), and
// again at run time (imports and builtins). It is for the user's benefit:
// a clear message ("import of os is not allowed", line 3) before the OS
// says no. The OS jail is the security boundary either way.
type Policy struct {
	Name string `json:"name"`
	// Imports are the modules an upload may import (top-level names).
	Imports []string `json:"imports"`
	// Builtins, when set, are the only builtins an upload may name; nil
	// allows all but Forbidden.
	Builtins []string `json:"builtins"` // null: unset; []: none at all
	// Forbidden are names an upload may never use: eval, open, ...
	Forbidden []string `json:"forbidden"`
	// Nodes, when set, are the only syntax (ast node classes) allowed.
	Nodes []string `json:"nodes"` // null: unset; []: none at all
	// Dunder refuses every double-underscore attribute and name
	// (__subclasses__, __globals__, __builtins__, __loader__, ...).
	Dunder bool `json:"dunder"`
}

// mathModules are what seed 003 asks for: mathematics only.
var mathModules = []string{"math", "statistics", "fractions", "decimal", "random", "itertools", "functools", "collections", "heapq", "bisect"}

// forbiddenNames reach the interpreter's own machinery: code, frames,
// namespaces, files, the debugger.
var forbiddenNames = []string{"eval", "exec", "compile", "open", "breakpoint", "globals", "vars", "locals",
	"__import__", "input", "help", "exit", "quit", "memoryview", "setattr", "delattr"}

// mathBuiltins are the builtins of the math profile.
var mathBuiltins = []string{"abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "frozenset",
	"int", "isinstance", "len", "list", "map", "max", "min", "pow", "range", "reversed", "round", "set", "sorted",
	"str", "sum", "tuple", "zip", "print", "True", "False", "None", "iter", "next", "hash", "ord", "chr", "complex",
	"callable", "slice", "bin", "hex", "oct", "ValueError", "TypeError", "ZeroDivisionError", "OverflowError",
	"ArithmeticError", "FloatingPointError", "IndexError", "KeyError", "LookupError", "RuntimeError",
	"RecursionError", "NotImplementedError", "AssertionError", "Exception", "StopIteration"}

// mathNodes are the syntax of the math profile: literals, arithmetic,
// comparisons, boolean logic, if/for/while, functions, comprehensions.
var mathNodes = []string{"Module", "Expr", "Constant", "Name", "Load", "Store", "Del", "Tuple", "List", "Dict", "Set",
	"BinOp", "UnaryOp", "BoolOp", "Compare", "IfExp", "Call", "keyword", "Attribute", "Subscript", "Slice", "Starred",
	"Add", "Sub", "Mult", "Div", "FloorDiv", "Mod", "Pow", "MatMult", "LShift", "RShift", "BitOr", "BitXor", "BitAnd",
	"UAdd", "USub", "Not", "Invert", "And", "Or", "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "In", "NotIn", "Is", "IsNot",
	"Assign", "AugAssign", "AnnAssign", "NamedExpr", "Delete", "Global", "Nonlocal", "If", "For", "While", "Break",
	"Continue", "Pass", "Return", "Yield", "YieldFrom",
	"FunctionDef", "Lambda", "arguments", "arg", "ListComp", "SetComp", "DictComp", "GeneratorExp", "comprehension",
	"Import", "ImportFrom", "alias", "Assert", "Raise", "Try", "ExceptHandler", "JoinedStr", "FormattedValue",
	"Index", "ExtSlice", "Num", "Str", "NameConstant"}

// Policies are the built-in profiles, by --policy name.
var Policies = map[string]*Policy{
	"none": nil,
	"safe": {Name: "safe", Dunder: true, Forbidden: forbiddenNames,
		Imports: append(append([]string{}, mathModules...), "re", "json", "datetime", "string", "operator", "dataclasses",
			"typing", "enum", "copy", "textwrap", "unicodedata", "array", "numbers", "cmath")},
	"math": {Name: "math", Dunder: true, Forbidden: forbiddenNames, Imports: mathModules, Builtins: mathBuiltins, Nodes: mathNodes},
}

// PolicyNames lists the built-in profiles, for messages.
func PolicyNames() []string {
	var names []string
	for n := range Policies {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// PolicyByName returns a built-in profile; nil for "none".
func PolicyByName(name string) (*Policy, error) {
	p, ok := Policies[name]
	if !ok {
		return nil, fmt.Errorf("no policy %q (built in: %v)", name, PolicyNames())
	}
	return p, nil
}
