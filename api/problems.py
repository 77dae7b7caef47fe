"""Every error the API answers, as RFC 9457 problem details (`application/problem+json`).

One body for every refusal, so a client reads them all the same way: `type` (a stable URI naming the
kind of problem), `title` (its short name), `status`, `detail` (what went wrong this time, in words a
person can read) and, where it applies, `field` and `errors` (the field each message belongs to, as a
form shows it), `current_version` (a stale `expected_version`) or `retry_after` (a rate limit).

The services' `DomainError` (the workflow's `WorkflowError` among them) keeps its message and field:
the API says exactly what the screens say.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.errors import DomainError
from recovery.workflow import NOT_FOUND, StaleComplaintError

CONTENT_TYPE = "application/problem+json"
# Relative URIs: they resolve against the installation's own address and name the kind of problem.
TYPE_BASE = "/api/v1/problems/"

# status → (type slug, title)
KINDS: dict[int, tuple[str, str]] = {
    400: ("invalid", "The request is not valid"),
    401: ("unauthenticated", "Authentication needed"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("stale", "Changed by someone else"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("refused", "Refused"),
    429: ("rate-limited", "Too many requests"),
}


def problem(status_code: int, detail: str, **extra: Any) -> Response:
    """Return a problem-details response; `extra` adds members such as `field` or `errors`."""
    slug, title = KINDS.get(status_code, ("error", "Error"))
    body = {"type": TYPE_BASE + slug, "title": title, "status": status_code, "detail": detail}
    body.update({key: value for key, value in extra.items() if value is not None})
    return Response(body, status=status_code, content_type=CONTENT_TYPE)


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field" or "field.sub" or "items.0.name": [messages]}."""
    name = prefix.rstrip(".") or "non_field_errors"
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_field_errors(value, "" if key == "non_field_errors" and not prefix else f"{prefix}{key}."))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_field_errors(item, f"{prefix}{index}."))
        return flat
    return {name: [str(message) for message in (detail if isinstance(detail, list) else [detail])]}


def _first_message(errors: dict[str, list[str]]) -> str:
    for name, messages in errors.items():
        if messages:
            return messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return "The request is not valid."


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler: every error as problem details, with the services' own words."""
    if isinstance(exc, StaleComplaintError):
        return problem(409, exc.message, current_version=exc.current_version)
    if isinstance(exc, DomainError):
        if exc.message == NOT_FOUND:
            # The workflow's words for a complaint this user may not see: absent, as on the screens.
            return problem(404, exc.message)
        errors = {exc.field: [exc.message]} if exc.field else None
        return problem(422, exc.message, field=exc.field, errors=errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling (logged, reported) takes over
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
        result = problem(400, _first_message(errors), errors=errors)
    elif isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 1)
        result = problem(429, f"Too many requests with this token; try again in {wait} seconds.", retry_after=wait)
    else:
        result = problem(response.status_code, str(getattr(exc, "detail", exc)))
    for header, value in response.headers.items():
        if header.lower() in {"retry-after", "www-authenticate", "allow"}:
            result[header] = value
    return result


# --- for the schema --------------------------------------------------------------------------------

DESCRIPTIONS = {
    400: "The request is not valid: `errors` has the messages per field.",
    401: "No valid token (missing, wrong, expired, revoked, or its user was switched off).",
    403: "Your role does not allow this.",
    404: "No such object, or you may not see it (a colleague's confidential complaint looks absent).",
    409: "`expected_version` is stale: someone changed the complaint first. `current_version` is the version now.",
    422: "CareDesk refused the change (the step order, a rule of the policy …): `detail` says why, `field` where.",
    429: "Too many requests with this token: wait `Retry-After` seconds.",
}


def problems(*codes: int) -> dict[int, OpenApiResponse]:
    """The problem responses an operation can give, for `@extend_schema(responses=…)`; 401, 403 and 429 always.

    Only their descriptions: the schema hook (`api.schema.add_problem_responses`) gives every 4xx answer
    the `Problem` body, as `application/problem+json`, and adds the ones a view does not list.
    """
    return {code: OpenApiResponse(description=DESCRIPTIONS[code]) for code in sorted({401, 403, 429, *codes})}


__all__ = ["CONTENT_TYPE", "problem", "problem_exception_handler", "problems", "status"]
