#!/usr/bin/env python3
"""The example site's command line (runserver, test)."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scoresite.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        if sys.argv[1:2] == ["test"]:
            # The analogue of a skipped test: say what is missing, run nothing.
            print("SKIPPED: the Django example's tests need Django "
                  "(Debian: apt-get install python3-django)")
            return
        raise
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
