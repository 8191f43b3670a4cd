# category: resources
# tries: allocate and touch 64 MiB blocks until allocation fails (at most 2 GiB)
# expect: memory

def attack(canary):
    blocks = []
    for _ in range(32):
        blocks.append(b"\x01" * (64 << 20))  # bytes are written, so every page is touched
    return len(blocks)
