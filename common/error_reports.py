"""Error reports without personal data: the ADMINS email and, when SENTRY_DSN is set, Sentry.

A server error's report is for finding the fault, not for reading what customers told us: it keeps
the traceback, the request's method and path and the request id (to find the log lines), and drops
what a person typed or is: form and query values, cookies, headers beyond a few technical ones,
local variables, email addresses in error messages (a database error quotes the duplicate value),
signed tokens in paths (a survey link opens the survey), and who the user is beyond their id.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

REMOVED = "[removed]"
_EMAIL = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+\.[A-Za-z]{2,}")
# Django's signed values (the survey link's token) are "value:timestamp:signature".
_SIGNED_SEGMENT = re.compile(r"/[A-Za-z0-9_=-]+(?::[A-Za-z0-9_=-]+){2}(?=/|$)")
# Request headers kept in a report: none of them says who the person is.
SAFE_HEADERS = {"host", "user-agent", "content-type", "content-length", "accept", "x-request-id", "x-forwarded-proto"}
_SAFE_SETTINGS = ("SETTINGS_MODULE", "DEBUG", "INSTALLED_APPS", "MIDDLEWARE", "TIME_ZONE")
_SAFE_META = {
    "REQUEST_METHOD",
    "PATH_INFO",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_HOST",
    "CONTENT_TYPE",
    "HTTP_USER_AGENT",
}


def scrub_text(text: str) -> str:
    """Remove email addresses and signed tokens from a message or a path."""
    return _SIGNED_SEGMENT.sub("/" + REMOVED, _EMAIL.sub(REMOVED, text))


# --- ADMINS email (Django's AdminEmailHandler) ----------------------------------------------------


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Hide every form value (not only those marked sensitive): complaint text, names, answers; and
    the settings."""

    def is_active(self, request: Any) -> bool:
        return True

    def get_safe_settings(self) -> dict[str, Any]:
        # Only what describes the code: connection URLs (CACHE_URL, CELERY_BROKER_URL) carry passwords under
        # names Django does not recognise as secret.
        return {name: getattr(settings, name, None) for name in _SAFE_SETTINGS}

    def get_post_parameters(self, request: Any) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, REMOVED)


class PersonalDataReporter(ExceptionReporter):
    """Django's error report with query values, most of META, the user's name and emails taken out."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(key, REMOVED) for key in self.request.GET]
            data["request_COOKIES_items"] = [(key, REMOVED) for key in self.request.COOKIES]
            meta = {key: value for key, value in data.get("request_meta", {}).items() if key in _SAFE_META}
            if "PATH_INFO" in meta:
                meta["PATH_INFO"] = scrub_text(str(meta["PATH_INFO"]))
            data["request_meta"] = meta
            # The address without its query string (a search holds a customer's name).
            uri = str(data.get("request_insecure_uri", "")).split("?", 1)[0]
            data["request_insecure_uri"] = scrub_text(uri)
            user = getattr(self.request, "user", None)
            data["user_str"] = f"user id {user.pk}" if user is not None and user.is_authenticated else None
        if data.get("exception_value"):
            data["exception_value"] = scrub_text(str(data["exception_value"]))
        return data

    def get_traceback_text(self) -> SafeString:
        # The path also appears in "Exception Type: … at /path", an address in a line of code or a setting:
        # take tokens and addresses out of the whole text.
        return mark_safe(scrub_text(super().get_traceback_text()))  # noqa: S308 - plain text, never HTML


# --- Sentry ---------------------------------------------------------------------------------------


def scrub_sentry_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's `before_send`: the event without request bodies, cookies, query strings, personal
    headers, user details beyond the id, local variables, or email addresses and tokens in messages."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if str(k).lower() in SAFE_HEADERS}
        if isinstance(request.get("url"), str):
            request["url"] = scrub_text(request["url"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub_text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = scrub_text(logentry[key])
        logentry.pop("params", None)
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in crumbs or []:
        crumb.pop("data", None)
        if isinstance(crumb.get("message"), str):
            crumb["message"] = scrub_text(crumb["message"])
    return event


def sentry_options(*, dsn: str, environment: str, release: str) -> dict[str, Any]:
    """The arguments of `sentry_sdk.init`: errors only, nothing personal collected in the first place."""
    return {
        "dsn": dsn,
        "environment": environment or None,
        "release": release or None,
        "send_default_pii": False,
        "include_local_variables": False,
        "max_request_body_size": "never",
        "before_send": scrub_sentry_event,
        # Errors only: no performance traces, no session pings.
        "traces_sample_rate": 0.0,
        "auto_session_tracking": False,
    }


def sentry_init(*, dsn: str, environment: str = "", release: str = "") -> None:
    """Report errors of the web app, workers and beat to Sentry (the Django and Celery integrations
    switch themselves on when those libraries are installed)."""
    import sentry_sdk

    sentry_sdk.init(**sentry_options(dsn=dsn, environment=environment, release=release))
