# category: processes
# tries: run /bin/sh with subprocess.run
# expect: violation pipe2 | violation clone
# subprocess makes its error pipe before it forks, so that pipe is the first refusal; CPython 3.13 takes posix_spawn here, with no pipe, and clone is the refusal.
import subprocess


def attack(canary):
    return subprocess.run(["/bin/sh", "-c", "id"]).returncode
