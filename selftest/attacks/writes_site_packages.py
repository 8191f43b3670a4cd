# category: writes
# tries: drop a .pth file (run at every interpreter start) into each site-packages directory
# expect: error OSError | error FileNotFoundError
# Debian's dist-packages are not in the jail (FileNotFoundError); a build
# that keeps site-packages inside its stdlib has it read-only (OSError).
import os
import sysconfig


def attack(canary):
    for key in ("purelib", "platlib"):
        path = os.path.join(sysconfig.get_paths()[key], "jailpy_planted.pth")
        with open(path, "w") as f:
            f.write("import os\n")
    return "planted"
