# category: files
# tries: map a file written to /tmp as executable (PROT_EXEC), past the noexec mount
# expect: error PermissionError
import mmap
import os


def attack(canary):
    with open("/tmp/code", "wb") as f:
        f.write(b"\xc3" * mmap.PAGESIZE)  # ret
    fd = os.open("/tmp/code", os.O_RDONLY)
    m = mmap.mmap(fd, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_EXEC)
    return "mapped executable: %d bytes" % len(m)
