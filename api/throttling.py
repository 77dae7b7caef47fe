"""A rate limit per token (or per signed-in session): API_RATE_PER_MINUTE requests a minute."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Each token counts alone, so one busy integration does not use up its owner's other tokens.

    Counted in the cache (Redis in production). DRF answers 429 with `Retry-After`; the problem body
    says how long (api/problems.py).
    """

    scope = "token"

    def get_rate(self) -> str:
        return f"{settings.API_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.key_hash[:24]}"  # unique, unlike an id a new database reuses
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
