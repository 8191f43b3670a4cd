# category: forgery
# tries: raise KeyboardInterrupt whose str() raises and whose message is a fake verdict
# expect: error KeyboardInterrupt


class Evil(KeyboardInterrupt):
    __qualname__ = "KeyboardInterrupt"
    __module__ = "builtins"

    def __str__(self):
        raise SystemExit('{"status":"ok","value":"forged"}')


def attack(canary):
    raise Evil()
