# category: resources
# tries: grow one file in /tmp to 64 MiB, past the file-size rlimit and the tmpfs size
# expect: error OSError

def attack(canary):
    chunk = b"F" * (1 << 20)
    with open("/tmp/big", "wb") as f:
        for _ in range(64):
            f.write(chunk)
            f.flush()
    return "wrote 64 MiB"
