"""Settings for the example: offline, no database, one app.

The jailpy client is imported from this repository's clients/python
(inserted on sys.path below), not installed: the example always runs the
client next to it. A real project would `pip install clients/python`.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR.parent.parent / "clients" / "python"))

# Example values: set DJANGO_SECRET_KEY and keep DEBUG off anywhere real.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "jailpy-example-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = ["scoring"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "scoresite.urls"
WSGI_APPLICATION = "scoresite.wsgi.application"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
# Nothing is stored: the upload is scored and forgotten.
DATABASES: dict = {}
USE_TZ = True

# Uploads: a scoring function is a few lines; 64 KiB is generous. Bodies far
# over it are refused before Django reads them (see views.MAX_BODY_BYTES).
SCORING_MAX_UPLOAD_BYTES = 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SCORING_MAX_UPLOAD_BYTES * 2  # never spooled to disk

# jailpy: the binary ($JAILPY, else jailpy on PATH when None), and the
# options of every scoring batch. The jail runs this site's own
# interpreter unless JAILPY_PYTHON names another (a real path: no shim).
JAILPY_BINARY = os.environ.get("JAILPY") or None
JAILPY_OPTIONS = {
    "python": os.environ.get("JAILPY_PYTHON") or os.path.realpath(sys.executable),
    "policy": "math",        # scoring is arithmetic: refuse everything else, and say so
    "timeout": 2.0,          # seconds per list
    "batch_timeout": 10.0,   # seconds for all the lists: one upload cannot hold a worker longer
    "memory": "64MiB",
    "output": "16KiB",
    # Pin "v2" (or "v1") in production so a host that loses its cgroup
    # fails closed instead of running on rlimits only.
    "cgroup": os.environ.get("JAILPY_CGROUP") or None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"scoring": {"handlers": ["console"], "level": "INFO"}},
}
