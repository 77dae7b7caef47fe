"""`/healthz`: for load balancers and monitoring. No sign-in, no data: "ok" or "failed" per check.

200 when every check asked for is ok, 503 otherwise. `?check=database` (repeatable) runs only the
named checks, so a load balancer can ask only what decides whether this web server can serve: the
cache is optional (pages work without it) and the broker and beat are shared by every server, so a
load balancer that took servers out over those would take them all out at once.

Rate-limited per client address (HEALTHZ_RATE_LIMIT), failing open like every limit when the cache
is down, so an outage is reported rather than hidden behind a 429.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.ratelimits import limited_per_client
from health.checks import CHECKS, run_checks

# Count every request per client address; over the limit, the view sees `request.limited`.
_rate_limited = limited_per_client(setting="HEALTHZ_RATE_LIMIT")


@login_not_required
@never_cache
@require_safe
@_rate_limited
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer whether the database, broker, cache and beat work (or the checks named in `?check=`)."""
    if getattr(request, "limited", False):
        return JsonResponse({"error": "too many requests"}, status=429)
    asked = request.GET.getlist("check") or list(CHECKS)
    if any(name not in CHECKS for name in asked):
        return JsonResponse({"error": "unknown check", "checks": list(CHECKS)}, status=400)
    results = run_checks(list(dict.fromkeys(asked)))
    body = {name: "ok" if ok else "failed" for name, ok in results.items()}
    return JsonResponse(body, status=200 if all(results.values()) else 503)
