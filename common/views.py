"""Helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError
from django.template import loader

from common.request_id import current_request_id

View = Callable[..., HttpResponseBase]


def role_required(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Refuse (403) users for whom `check(user)` is false; sign-in itself is enforced by middleware."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: what happened in general, and the request's id to quote; nothing else.

    Rendered without the request (no context processors, no database), so it works whatever broke.
    """
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": current_request_id() or ""}))
