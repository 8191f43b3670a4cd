# category: files
# tries: open /proc/sysrq-trigger for writing (would only ask for the help text, "h")
# expect: error FileNotFoundError

def attack(canary):
    with open("/proc/sysrq-trigger", "w") as f:
        f.write("h")
    return "wrote to sysrq-trigger"
