"""Opt-in diagnostics: how many SQL queries and how much time each response took.

`QueryCountMiddleware` is in MIDDLEWARE only when QUERY_COUNT_HEADERS=true (config/settings.py), as
`make bench` runs the app. It adds to every response:

- `X-Query-Count: N`, the SQL statements run on every database connection of this thread while the
  request was handled (counted with `connection.execute_wrapper`, so it works with DEBUG off);
- `Server-Timing: app;dur=<ms>`, the time spent inside the middleware stack below it.

For a streaming response both cover only the work before the first byte: the body is produced after
the headers are sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponseBase

QUERY_COUNT_HEADER = "X-Query-Count"
SERVER_TIMING_HEADER = "Server-Timing"


class QueryCountMiddleware:
    """Add X-Query-Count and Server-Timing (app;dur=ms) headers to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        count = 0

        def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response[QUERY_COUNT_HEADER] = str(count)
        response[SERVER_TIMING_HEADER] = f"app;dur={elapsed_ms:.1f}"
        return response
