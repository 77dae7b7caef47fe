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

# The test broker is Redis DB 15, and each pytest-xdist process gets its own DB below it (gw0 → 15,
# gw1 → 14, … for up to eight processes), because the reminder tests FLUSHDB and run a real worker:
# a shared DB would let one process flush or consume another's messages. This is decided here,
# not with os.environ.setdefault: xdist's processes inherit the controller's environment, and the
# worker_id fixture comes too late for the Celery app's configuration.
_XDIST_NUMBER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
_BROKER_BASE, _, _BROKER_DB = os.environ["CELERY_BROKER_URL"].rpartition("/")
if _BROKER_BASE.startswith("redis://") and _XDIST_NUMBER.isdigit() and _BROKER_DB.isdigit():
    CELERY_BROKER_URL = f"{_BROKER_BASE}/{(int(_BROKER_DB) - int(_XDIST_NUMBER) % 8) % 16}"
    # Celery reads CELERY_BROKER_URL from the environment before the Django settings.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL

# The cache (rate limits, dashboard figures) is real Redis too, on the broker's server, eight DBs below
# the process's broker DB (broker 15 → cache 7, 14 → 6, …), so test runs that use different brokers
# never share a cache.
_BROKER_SERVER, _, _BROKER_PROCESS_DB = os.environ["CELERY_BROKER_URL"].rpartition("/")
if not _BROKER_SERVER.startswith("redis://"):
    _BROKER_SERVER = "redis://127.0.0.1:6379"
_CACHE_DB = (int(_BROKER_PROCESS_DB if _BROKER_PROCESS_DB.isdigit() else 15) - 8) % 16
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"{_BROKER_SERVER}/{_CACHE_DB}",
    }
}

# whitenoise warns about a missing STATIC_ROOT; tests serve nothing from it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
