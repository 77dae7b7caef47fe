"""WSGI entry point for gunicorn: `gunicorn config.wsgi`."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from config.production import refuse_unsafe_production  # noqa: E402 - needs the settings configured

refuse_unsafe_production()
