"""`policy_banner` in every template: the current policy version while this person has not read it.

Lazy: the one query runs only when a page shows the banner (the base layout), not for htmx partials.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from policy import selectors


def policy_banner(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"policy_banner": SimpleLazyObject(lambda: selectors.needs_acknowledgement(user))}
