# The unjailed baseline: what the seed's Django app does today, done
# directly: read the file, exec it, call the function, print JSON.
# usage: python3 -I -S bare_runner.py FILE FUNC  (arguments as JSON on stdin)
import json
import sys


def main():
    path, func = sys.argv[1], sys.argv[2]
    args = json.loads(sys.stdin.read() or "[]")
    namespace = {"__name__": "user"}
    with open(path, "rb") as f:
        exec(compile(f.read(), path, "exec"), namespace)
    print(json.dumps({"status": "ok", "value": namespace[func](*args)}))


main()
