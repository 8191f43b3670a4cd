import os
def main():
    out = {}
    for fd in range(0, 64):
        try:
            out[fd] = os.readlink("/proc/self/fd/%d" % fd)
        except OSError as e:
            try:
                os.fstat(fd); out[fd] = "open(no proc)"
            except OSError:
                pass
    return out
