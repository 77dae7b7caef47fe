"""Settings for the test suite: PostgreSQL and Redis on localhost.

Values come from the environment when set (CI, a developer's machine with
other ports); otherwise the local services on their standard ports.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caredesk")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Off unless a test turns it on (the `settings` fixture), so the suite's managers sign in with a password.
os.environ.setdefault("REQUIRE_2FA_FOR_MANAGERS", "false")

from config.settings import *  # noqa: F403

# PBKDF2 is deliberately slow; tests only need a hash, not a strong one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The test broker is Redis DB 15, and each pytest-xdist process gets its own DB below it (gw0 → 15,
# gw1 → 14, …), because the reminder tests FLUSHDB and run a real worker: a shared DB would let one
# process flush or consume another's messages. The cache (rate limits, dashboard figures) is real Redis
# too, on the broker's server, eight DBs below the process's broker DB (15 → 7, 14 → 6, …), so test runs
# that use different brokers never share a cache. Redis has 16 DBs, so eight processes at most: a
# ninth would share a DB with the first, and is refused instead (the Makefile caps -n at eight).
# This is decided here, not with os.environ.setdefault: xdist's processes inherit the controller's
# environment, and the worker_id fixture comes too late for the Celery app's configuration.
REDIS_DATABASES = 16
MAX_TEST_PROCESSES = REDIS_DATABASES // 2  # each takes a broker DB and a cache DB


def redis_urls(broker_url: str, xdist_worker: str) -> tuple[str, str]:
    """Return (broker URL, cache URL) for one pytest process, none shared with another process.

    `xdist_worker` is PYTEST_XDIST_WORKER ("gw0", "gw1", …; "" without xdist). The i-th process takes
    broker DB base - i and cache DB base - i - 8 (mod 16), the base being the broker URL's DB (15 if
    it names none): for i below eight these sixteen numbers are all different.
    """
    number = xdist_worker.removeprefix("gw")
    index = int(number) if number.isdigit() else 0
    if index >= MAX_TEST_PROCESSES:
        raise ImproperlyConfigured(
            f"pytest-xdist process {xdist_worker} would share a Redis DB with another test process: "
            f"Redis has {REDIS_DATABASES} DBs, a broker and a cache for each of at most "
            f"{MAX_TEST_PROCESSES} processes. Run pytest with -n {MAX_TEST_PROCESSES} or fewer."
        )
    server, _, db = broker_url.rpartition("/")
    is_redis = server.startswith("redis://") and db.isdigit()
    base = int(db) if is_redis else 15
    broker_db = (base - index) % REDIS_DATABASES
    cache_db = (broker_db - MAX_TEST_PROCESSES) % REDIS_DATABASES
    if not is_redis:
        return broker_url, f"redis://127.0.0.1:6379/{cache_db}"
    return f"{server}/{broker_db}", f"{server}/{cache_db}"


CELERY_BROKER_URL, _CACHE_URL = redis_urls(os.environ["CELERY_BROKER_URL"], os.environ.get("PYTEST_XDIST_WORKER", ""))
# Celery reads CELERY_BROKER_URL from the environment before the Django settings.
os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
CACHES = {
    "default": {
        "BACKEND": "common.cache.FailSafeRedisCache",
        "LOCATION": _CACHE_URL,
        "OPTIONS": CACHE_OPTIONS,  # noqa: F405
    }
}

# whitenoise warns about a missing STATIC_ROOT; tests serve nothing from it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
