# category: resources
# tries: spin the CPU forever in pure Python
# expect: timeout cpu
# timeout: 2s
# cpu-time: 250ms

def attack(canary):
    n = 0
    while True:
        n += 1
