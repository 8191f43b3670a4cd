package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jailpy/jailpy/jail"
)

// A host app can hand jailpy the upload on a pipe (/dev/fd/N), so it never
// touches the disk; --filename names it in the traceback instead of "3".
func TestSourceOnAPipeWithFilename(t *testing.T) {
	needJail(t)
	for _, c := range []struct {
		flags []string
		name  string
	}{{nil, "3"}, {[]string{"--filename", "upload.py"}, "upload.py"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		args := append([]string{"exec", "--python", python, "--func", "score", "--args", "[[]]"}, c.flags...)
		cmd := exec.Command(binary, append(args, "/dev/fd/3")...)
		cmd.ExtraFiles = []*os.File{r}
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		w.WriteString("def score(values):\n    return sum(values) / len(values)\n")
		w.Close()
		cmd.Wait()
		var v jail.Result
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("%v: %s", err, out.Bytes())
		}
		if v.Status != jail.StatusError || v.Error.Line != 2 || !strings.Contains(v.Error.Traceback, `File "`+c.name+`", line 2`) {
			t.Errorf("%v: %+v", c.flags, v.Error)
		}
	}
}
