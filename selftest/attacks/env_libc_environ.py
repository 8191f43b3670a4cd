# category: env
# tries: read the process's real environment from libc (getenv and the environ array), bypassing os.environ
# expect: ok
# value: [null, ["HOME", "LC_ALL", "LOGNAME", "MALLOC_ARENA_MAX", "PATH", "TMPDIR", "USER"]]
import ctypes


def attack(canary):
    libc = ctypes.CDLL(None)
    libc.getenv.restype = ctypes.c_char_p
    secret = libc.getenv(canary["env_name"].encode())
    environ = ctypes.POINTER(ctypes.c_char_p).in_dll(libc, "environ")
    names = []
    i = 0
    while environ[i]:
        names.append(environ[i].split(b"=", 1)[0].decode())
        i += 1
    return [secret, sorted(names)]
