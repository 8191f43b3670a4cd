# category: writes
# tries: find what earlier runs left in /tmp (writes_marker_mkdirs makes the marker's directory there)
# expect: ok
# value: [[], false]
import os


def attack(canary):
    return [os.listdir("/tmp"), os.path.exists(os.path.dirname(canary["marker"]))]
