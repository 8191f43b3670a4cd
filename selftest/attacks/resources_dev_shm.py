# category: resources
# tries: fill POSIX shared memory (/dev/shm, a tmpfs the host's other processes share) through multiprocessing.shared_memory
# expect: error FileNotFoundError

from multiprocessing import shared_memory


def attack(canary):
    blocks = []
    for i in range(64):
        shm = shared_memory.SharedMemory(name="jailpy-attack-%d" % i, create=True, size=1 << 20)
        shm.buf[:] = b"\x03" * len(shm.buf)
        blocks.append(shm)
    return len(blocks)
