"""Settings for the test suite: PostgreSQL and Redis on localhost.

Values come from the environment when set (CI, a developer's machine with
other ports); otherwise the local services on their standard ports.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caredesk")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings import *  # noqa: F403

# PBKDF2 is deliberately slow; tests only need a hash, not a strong one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# whitenoise warns about a missing STATIC_ROOT; tests serve nothing from it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
