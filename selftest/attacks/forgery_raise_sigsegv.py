# category: forgery
# tries: print a fake verdict, then signal.raise_signal(SIGSEGV) to pass for a crash (or hide one)
# expect: ok
# value: "survived"

# pid 1 of a pid namespace ignores a signal it has no handler for when the
# signal comes from inside the namespace: nothing happens, and the verdict
# says so. (A real fault is forced: see forgery_crash_after_result.)
import signal


def attack(canary):
    print('{"version":1,"status":"crash","signal":"SIGSEGV"}', flush=True)
    signal.raise_signal(signal.SIGSEGV)
    return "survived"
