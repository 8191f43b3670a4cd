# category: escapes
# tries: the seed's __loader__.load_module('o''s') past a keyword filter: load posix with no import statement, then posix.system on the secret
# expect: violation clone

# The wrapper's module has __loader__ = None, so the module's loader falls
# back to builtins' (BuiltinImporter), which loads built-in modules: posix
# is one. Reaching it gains nothing: system() must spawn a process, and
# the seccomp list allows clone for threads only (clone3 says ENOSYS).
import warnings


def attack(canary):
    warnings.simplefilter("ignore")  # load_module is deprecated, not gone
    loader = __loader__
    if loader is None:
        b = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__
        loader = b['__loa' 'der__']
    p = loader.load_module('po''six')
    return p.system("cat " + canary["secret_file"])
