"""The second step of signing in, enforced for every view, and the idle expiry kept up while a session is used.

Placed after django-otp's OTPMiddleware (request.user.is_verified()) and Django's LoginRequiredMiddleware
(so only signed-in people, and public views, reach it). See `accounts.sign_in` for the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import sign_in

# The only views a session owing a step may reach (sign-out is always one of them).
ALLOWED = {
    sign_in.CODE: frozenset({"logout", "accounts:login_code"}),
    sign_in.SETUP: frozenset({"logout", "accounts:two_step_setup"}),
}
PAGE_FOR = {sign_in.CODE: "accounts:login_code", sign_in.SETUP: "accounts:two_step_setup"}


def _is_public(view_func: Callable[..., Any]) -> bool:
    return not getattr(view_func, "login_required", True)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's deny-by-default, asking the view before the session: a public view never reads it.

    Django's own order reads the signed-in user first, so a health probe that carried a session cookie
    needed the database before /healthz could say the database is down.
    """

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if _is_public(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if _is_public(view_func):
            # Public views (the survey, the sign-in page, /healthz) answer a half-signed-in person as anyone
            # else, and never read the session.
            return None
        user: Any = request.user
        if not user.is_authenticated:
            return None  # LoginRequiredMiddleware has sent them to sign in
        if sign_in.note_activity(request):
            sign_in.note_step(request, user)  # with each renewal, in case it changed elsewhere
        step: str | None = request.session.get(sign_in.STEP_KEY)
        if step == sign_in.DONE or user.is_verified():
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if step is not None and view_name in ALLOWED.get(step, ()):
            return None
        # About to turn the request away: first make sure the step is still owed.
        step = sign_in.note_step(request, user)
        if step == sign_in.DONE or view_name in ALLOWED[step]:
            return None
        return self._send_to(request, step)

    def _send_to(self, request: HttpRequest, step: str) -> HttpResponse:
        url = reverse(PAGE_FOR[step])
        if step == sign_in.CODE and request.method == "GET" and not request.htmx:  # type: ignore[attr-defined]
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
