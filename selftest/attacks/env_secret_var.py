# category: env
# tries: read the variable that holds the secret in jailpy's own environment
# expect: ok
# value: null
import os


def attack(canary):
    return os.environ.get(canary["env_name"])
