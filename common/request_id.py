"""A request id on every log line of a request, and of the Celery tasks that request queued.

- `RequestIdMiddleware` (first in MIDDLEWARE) gives each request an id: a fresh one, or the
  `X-Request-ID` a trusted proxy sent (only with TRUSTED_PROXY_COUNT > 0, and only when it looks like
  an id, so nobody can write into the log through it). It answers with the same header, shows the
  id on the 500 page (`common.views.server_error`), and logs one access line when the response is
  ready: `GET /complaints/12/ 200 35ms user=7`. The line has no query string (searches hold customers'
  names) and no survey token (it opens the survey).
- The id lives in a context variable for the request's duration; `install_log_record_factory` puts
  it on every log record as `request_id` ("-" outside a request), and the `plain` format prints it.
- `before_task_publish` puts it in the headers of every task queued meanwhile; `task_prerun` sets it
  again in the worker for the task's run, so the worker's lines show it too (and tasks that task
  queues carry it on).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
NONE = "-"
# What an id from a proxy may look like (nginx's $request_id is 32 hex digits; UUIDs have dashes).
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("caredesk.access")


def current_request_id() -> str | None:
    """Return the id of the request (or the task it queued) being handled now, if any."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(request_id: str) -> Iterator[None]:
    """Handle what follows as part of request `request_id` (tasks run outside a request, tests)."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


def _incoming(request: HttpRequest) -> str | None:
    if int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)) <= 0:
        return None
    value = request.headers.get(HEADER, "")
    return value if _WELL_FORMED.fullmatch(value) else None


def _user_id(request: HttpRequest) -> str:
    """The signed-in user's id, if the request already looked them up (never a query just for the log)."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):  # type: ignore[attr-defined]
        return NONE
    return str(user.pk) if user.is_authenticated else NONE


def _logged_path(request: HttpRequest) -> str:
    """The path, with a token in it (the survey link) left out."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    return path.replace(token, "<token>") if token else path


class RequestIdMiddleware:
    """Give the request an id, answer with it, and log one line for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = _incoming(request) or new_request_id()
        # Bound until the response is closed (`unbind_request`), not until this returns: Django logs a
        # view's 4xx answer after the middleware, and a streamed download is written after it too.
        _current.set(request_id)
        # An error reported to Sentry (when SENTRY_DSN is set) can be found by the id the 500 page shows.
        sentry_sdk.set_tag("request_id", request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response[HEADER] = request_id
        access_log.info(
            "%s %s %s %dms user=%s",
            request.method,
            _logged_path(request),
            response.status_code,
            (time.monotonic() - started) * 1000,
            _user_id(request),
        )
        return response


def unbind_request(**_: Any) -> None:
    """Forget the request's id once its response is closed (connected to `request_finished`)."""
    _current.set(None)


def install_log_record_factory() -> None:
    """Put the current request id on every log record (idempotent; chains the factory already set)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = _current.get() or NONE
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class RequestIdFormatter(logging.Formatter):
    """The `plain` formatter; a record made before the factory was installed gets the id now, or "-"."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or NONE
        return super().format(record)


# --- Celery ---------------------------------------------------------------------------------


def add_to_task_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """`before_task_publish`: a task queued while handling a request carries the request's id."""
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_task_tokens: dict[str, Any] = {}


def bind_for_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """`task_prerun`: the task's log lines show the id of the request that queued it."""
    request_id = getattr(getattr(task, "request", None), "request_id", None)
    if task_id and isinstance(request_id, str) and _WELL_FORMED.fullmatch(request_id):
        _task_tokens[task_id] = _current.set(request_id)


def unbind_for_task(task_id: str | None = None, **_: Any) -> None:
    """`task_postrun`: the next task on this worker starts without an id."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        _current.reset(token)
