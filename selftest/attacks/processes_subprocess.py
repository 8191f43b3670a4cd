# category: processes
# tries: run /bin/sh with subprocess.run
# expect: violation pipe2
# subprocess makes its error pipe before it forks, so that pipe is the first refusal.
import subprocess


def attack(canary):
    return subprocess.run(["/bin/sh", "-c", "id"]).returncode
