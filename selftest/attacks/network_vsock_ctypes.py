# category: network
# tries: open an AF_VSOCK socket (to the hypervisor) with a raw socket(2) through ctypes
# expect: violation socket
import ctypes


def attack(canary):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(40, 1, 0)  # AF_VSOCK, SOCK_STREAM
    return [fd, ctypes.get_errno()]
