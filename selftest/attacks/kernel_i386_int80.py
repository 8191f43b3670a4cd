# category: kernel
# tries: an i386 system call through int 0x80 from a code page it wrote, the other foreign ABI a native-only filter misses
# expect: violation i386:getpid

import ctypes
import mmap

# mov eax, 20 (getpid in the i386 table); int 0x80; ret
CODE = b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"


def attack(canary):
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(CODE)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
    func = ctypes.CFUNCTYPE(ctypes.c_int)(addr)
    return func()
