package jail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"strconv"
	"time"

	"github.com/jailpy/jailpy/rootfs"
)

// The wrapper is ~400 lines; compiling it from source takes CPython 2 ms
// at every start (timeit, python3.11 here), more than the jail's mounts.
// So the interpreter compiles it once, on the host, into a marshalled
// code object (a format private to each CPython version, hence one per
// interpreter), cached beside the mount plan; in the jail a few lines of
// bootstrap read it from the job pipe and run it (marshal.loads: 40 us).
// Whenever that cannot be done, the jail compiles the source as before.

// compileWrapper prints marshal.dumps of the source on stdin, compiled as
// the jail would compile it.
const compileWrapper = `import marshal, sys
sys.stdout.buffer.write(marshal.dumps(compile(sys.stdin.read(), "<jailpy>", "exec", dont_inherit=True)))`

// bootstrap reads argv[1] bytes of marshalled wrapper from fd 3 and runs
// them as the -c program; the user's code sees sys.argv as ["-c"], as
// with the source.
const bootstrap = `import marshal, os, sys
n, b = int(sys.argv.pop()), b""
while len(b) < n:
    c = os.read(3, n - len(b))
    if not c:
        raise EOFError("the job ended inside the wrapper's code")
    b += c
del n, c
exec(marshal.loads(b))`

// maxWrapperCode bounds a cache entry; the code object is ~25 KB.
const maxWrapperCode = 1 << 20

// wrapperCode returns python's marshalled wrapper, from the cache or
// compiled now and cached; nil if it cannot be had.
func wrapperCode(python string) []byte {
	key := sha256.Sum256([]byte(rootfs.Identity(python) + "\x00" + wrapperSource))
	name := fmt.Sprintf("wrapper-%x.marshal", key[:12])
	// A sum of the code ahead of it, so a torn or damaged entry is
	// recompiled rather than handed to marshal.loads.
	if entry := rootfs.Cached(name, maxWrapperCode); len(entry) > sha256.Size {
		sum, code := entry[:sha256.Size], entry[sha256.Size:]
		if got := sha256.Sum256(code); bytes.Equal(got[:], sum) {
			return code
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", "-S", "-c", compileWrapper)
	cmd.Env = []string{}
	cmd.Dir = "/"
	cmd.Stdin = bytes.NewReader([]byte(wrapperSource))
	code, err := cmd.Output()
	if err != nil || len(code) == 0 || len(code) > maxWrapperCode {
		return nil
	}
	sum := sha256.Sum256(code)
	_ = rootfs.Cache(name, append(sum[:], code...)) // time, not correctness
	return code
}

// pythonArgv is how the interpreter starts: isolated (-I: no environment,
// no user site, no script dir on sys.path), no site module (-S: faster,
// and nothing from site-packages), no .pyc writes (-B: the root is
// read-only anyway), unbuffered (-u: output printed before a kill is kept).
// With code, the wrapper's code object comes first on fd 3.
func pythonArgv(python string, code []byte) []string {
	if len(code) == 0 {
		return []string{python, "-I", "-S", "-B", "-u", "-c", wrapperSource}
	}
	return []string{python, "-I", "-S", "-B", "-u", "-c", bootstrap, strconv.Itoa(len(code))}
}
