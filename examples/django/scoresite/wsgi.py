"""WSGI entry point, for a real server (gunicorn scoresite.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scoresite.settings")
application = get_wsgi_application()
