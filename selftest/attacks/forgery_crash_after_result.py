# category: forgery
# tries: return a value, then crash with SIGSEGV after the frame is sent (the wrapper's _exit replaced, found through gc.get_referrers)
# expect: crash SIGSEGV

import builtins
import ctypes
import gc


def crash(code):
    ctypes.string_at(0)  # a NULL read: a real fault, which even a pid 1 cannot ignore


def attack(canary):
    found = 0
    for ref in gc.get_referrers(builtins):
        if isinstance(ref, dict) and "_exit" in ref and "_send" in ref:
            ref["_exit"] = crash  # the wrapper's module globals
            found += 1
    return "forged after %d patches" % found
