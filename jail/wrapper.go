package jail

import _ "embed"

// wrapperSource is the Python program the jail execs with `-c`: passing it
// in argv needs no file in the jail and no extra mount.
//
//go:embed wrapper.py
var wrapperSource string
