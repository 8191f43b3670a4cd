package jail

import (
	"regexp"
	"slices"
	"testing"
)

// TestWrapperImportsListed keeps wrapperImports in step with wrapper.py: a
// module the wrapper imports but a narrowed plan leaves out would break
// every run under a policy, on that path only (a traceback, a batch).
func TestWrapperImportsListed(t *testing.T) {
	// Loaded at every start, before the wrapper runs, or the fallback
	// the probe handles itself.
	preloaded := []string{"os", "sys", "json"}
	re := regexp.MustCompile(`(?m)^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import)`)
	found := 0
	for _, m := range re.FindAllStringSubmatch(wrapperSource+"\n"+bootstrap, -1) {
		name := m[1] + m[2]
		if top := regexp.MustCompile(`^\w+`).FindString(name); !slices.Contains(wrapperImports, top) && !slices.Contains(preloaded, top) {
			t.Errorf("wrapper.py imports %s, which wrapperImports does not list", name)
		}
		found++
	}
	if found < 8 {
		t.Fatalf("found %d imports in the wrapper: the pattern no longer matches it", found)
	}
}
