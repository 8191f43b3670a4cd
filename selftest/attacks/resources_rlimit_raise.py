# category: resources
# tries: raise its own hard rlimits (open files, CPU seconds, file size, core, locked memory) to get out from under the backstops
# expect: ok
# value: [["RLIMIT_NOFILE", "refused"], ["RLIMIT_CPU", "refused"], ["RLIMIT_FSIZE", "refused"], ["RLIMIT_CORE", "refused"], ["RLIMIT_MEMLOCK", "refused"]]

# Raising a hard limit needs CAP_SYS_RESOURCE in the host's user namespace;
# CPython turns the EPERM into ValueError.
import resource


def attack(canary):
    out = []
    for name in ("RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_CORE", "RLIMIT_MEMLOCK"):
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        try:
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            out.append([name, "raised to %r" % (resource.getrlimit(which),)])
        except ValueError:
            out.append([name, "refused"])
    return out
