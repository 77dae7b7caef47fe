"""Rate limits per client address for the pages anyone may open (the survey, /healthz, the public form).

One helper instead of a copy per view: django-ratelimit keyed by `common.client_ip.client_ip` (the
address behind trusted proxies), its rate read from a setting when the request comes (so tests and
deployments can change it), and `block=False`: the view sees `request.limited` and answers with its
own friendly page instead of a bare 403. Counters live in the shared cache; with it unreachable they
fail open (settings.RATELIMIT_FAIL_OPEN).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.decorators import ratelimit

from common.client_ip import client_ip

ViewFunction = Callable[..., HttpResponse]


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def limited_per_client(
    *, setting: str, group: str | None = None, methods: Sequence[str] | object = ratelimit.ALL
) -> Callable[[ViewFunction], ViewFunction]:
    """Return a decorator counting the view's requests (of `methods`) per client address at the rate
    `settings.<setting>` ("N/period"); over it, the view sees `request.limited`."""

    def rate(group: str, request: HttpRequest) -> str:
        return str(getattr(settings, setting))

    def decorate(view: ViewFunction) -> ViewFunction:
        limited = ratelimit(group=group, key=_client, rate=rate, method=methods, block=False)
        return cast(ViewFunction, limited(view))

    return decorate
