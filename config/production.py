"""The refusal to serve with unsafe settings when DEBUG is off.

It runs where CareDesk starts serving or working (config/wsgi.py, the
Celery worker and beat) and in `manage.py check --deploy`, not when the
settings are imported: development commands such as `makemigrations
--check` must work on a fresh checkout without secrets, and Django itself
refuses to use an empty SECRET_KEY for anything that signs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

WEAK_KEY = (
    "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
)
NO_HOSTS = "ALLOWED_HOSTS must list the host names CareDesk is served on when DEBUG is off."


def production_problems() -> list[str]:
    """Return what makes the current settings unsafe to serve with DEBUG off."""
    if settings.DEBUG:
        return []
    try:
        key = str(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    problems = []
    if len(key) < 32 or key.startswith("django-insecure"):
        problems.append(WEAK_KEY)
    if not settings.ALLOWED_HOSTS:
        problems.append(NO_HOSTS)
    return problems


def refuse_unsafe_production(**_: Any) -> None:
    """Raise ImproperlyConfigured when the settings are unsafe to serve (usable as a signal receiver)."""
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(**_: Any) -> list[checks.CheckMessage]:
    """Report the same problems as errors in `manage.py check --deploy`."""
    return [checks.Error(problem, id="caredesk.E001") for problem in production_problems()]


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(**_: Any) -> list[checks.CheckMessage]:
    """Warn when the rate-limit counters live in one process's memory (each worker would count apart)."""
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if settings.DEBUG or not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Warning(
            "The cache is in-process memory, so each server process counts survey rate limits on its own.",
            hint="Set CACHE_URL=redis://host:6379/1 to share them.",
            id="caredesk.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_email_sender(**_: Any) -> list[checks.CheckMessage]:
    """Warn when emails would go out from the placeholder address, which customers cannot answer."""
    if settings.DEBUG or not str(settings.EMAIL_FROM_ADDRESS).endswith("@localhost"):
        return []
    return [
        checks.Warning(
            f"Emails are sent from {settings.EMAIL_FROM_ADDRESS}, which nobody can reply to.",
            hint="Set EMAIL_FROM_ADDRESS (and ORGANISATION_NAME, the name people see).",
            id="caredesk.W002",
        )
    ]
