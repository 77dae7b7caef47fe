"""How a request to the API says who it is: a personal token, or the browser's session (the docs page)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts import sign_in
from api import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` with a personal token (api/tokens.py)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may still authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        found = tokens.user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(
                "The token is not valid: it is wrong, expired or revoked, or its user was switched off."
            )
        return found

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="api"'


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser session (the API docs page), with Django's CSRF check on unsafe methods.

    API views are public to the project's sign-in middleware (DRF marks them so, for tokens), so the
    session's second step is checked here: a session still owing its code is nobody.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        if sign_in.session_step(request._request, found[0]) != sign_in.DONE:
            return None
        return found


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes the token in the schema (drf-spectacular finds it by `target_class`)."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (Your account → API tokens), sent as `Authorization: Bearer <token>`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes the session in the schema: the docs page's "Try it out" sends the browser's cookie."""

    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Signed in to CareDesk in this browser (the docs page); writes need the CSRF token.",
        }
