# The unjailed baseline for batch mode: one process reads JSON Lines of
# arguments, calls the function for each, writes one JSON line per call.
# usage: python3 -I -S bare_loop.py FILE FUNC < calls.jsonl
import json
import sys


def main():
    path, func = sys.argv[1], sys.argv[2]
    namespace = {"__name__": "user"}
    with open(path, "rb") as f:
        exec(compile(f.read(), path, "exec"), namespace)
    fn, out = namespace[func], sys.stdout
    for i, line in enumerate(sys.stdin):
        out.write(json.dumps({"index": i, "status": "ok", "value": fn(*json.loads(line))}) + "\n")


main()
