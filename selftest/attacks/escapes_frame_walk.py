# category: escapes
# tries: a running generator's gi_frame.f_back chain up to the wrapper's frame, whose globals hold os; then os.system
# expect: violation clone

def attack(canary):
    def walk():
        frame = gen.gi_frame
        while frame is not None:
            yield frame
            frame = frame.f_back

    gen = walk()
    for frame in gen:
        os = frame.f_globals.get("os")
        if os is not None:
            return os.system("cat " + canary["secret_file"])
    return "no frame with os"
