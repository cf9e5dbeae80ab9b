"""WSGI entry point: ``gunicorn bionet.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")

application = get_wsgi_application()
