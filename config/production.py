"""The refusal to serve with unsafe settings when DEBUG is off, and the deploy warnings.

It runs where CareDesk starts serving or working (config/wsgi.py, the
Celery worker and beat) and in `manage.py check --deploy`, not when the
settings are imported: development commands such as `makemigrations
--check` must work on a fresh checkout without secrets, and Django itself
refuses to use an empty SECRET_KEY for anything that signs.

The warnings (caredesk.W001-W007) are what works but is not what a
deployment wants: mail that goes to files, a broker on one machine, links
in emails that lead nowhere. `check --deploy --fail-level WARNING` passes
once the required variables and the mail and link settings are set
(tests/test_deploy_check.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

WEAK_KEY = (
    "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
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


@checks.register(checks.Tags.security, deploy=True)
def check_email_delivery(**_: Any) -> list[checks.CheckMessage]:
    """Warn when no SMTP server is set: reminders and surveys would be written to files that nobody reads."""
    if settings.DEBUG or settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return []
    return [
        checks.Warning(
            f"EMAIL_HOST is not set, so every email is written to a file under {settings.EMAIL_FILE_PATH} "
            "and nobody receives it: no reminders, no surveys, no digests.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS as needed).",
            id="caredesk.W003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_broker(**_: Any) -> list[checks.CheckMessage]:
    """Warn when Celery runs on the embedded file broker, which only processes on one machine can share."""
    if settings.DEBUG or not str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        return []
    return [
        checks.Warning(
            "CELERY_BROKER_URL is not set, so Celery passes its messages through files under the checkout: "
            "a worker or beat on another machine never sees them.",
            hint="Set CELERY_BROKER_URL=redis://host:6379/0.",
            id="caredesk.W004",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(**_: Any) -> list[checks.CheckMessage]:
    """Warn when the links in emails would not reach CareDesk, or would reach it over plain HTTP."""
    if settings.DEBUG:
        return []
    site = urlsplit(str(settings.SITE_URL))
    host = site.hostname or ""
    if host in LOOPBACK_HOSTS:
        return [
            checks.Warning(
                f"SITE_URL is {settings.SITE_URL}, so the links in emails lead to the reader's own computer.",
                hint="Set SITE_URL to the address people open CareDesk at, e.g. https://caredesk.example.com.",
                id="caredesk.W005",
            )
        ]
    found: list[checks.CheckMessage] = []
    if site.scheme != "https" and settings.SECURE_SSL_REDIRECT:
        found.append(
            checks.Warning(
                f"SITE_URL is {settings.SITE_URL}: the links in emails (survey links included, which carry a "
                "signed token) would travel over plain HTTP before the redirect to HTTPS.",
                hint="Start SITE_URL with https://.",
                id="caredesk.W006",
            )
        )
    if not validate_host(host, settings.ALLOWED_HOSTS):
        found.append(
            checks.Warning(
                f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS, so the links in emails get 'Bad Request (400)'.",
                hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
                id="caredesk.W007",
            )
        )
    return found
