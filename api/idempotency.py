"""`Idempotency-Key` on the creating POSTs: a retried request gets the first answer, not a second complaint.

A client that lost the answer to "log this complaint" (a timeout, a dropped connection) sends the same
request again with the same key. The first successful answer is kept per user and key for
API_IDEMPOTENCY_HOURS and returned again, with `Idempotent-Replayed: true`. The same key with a different
request is refused (422). Requests that failed are not kept: nothing was created, so a retry runs again.
Two copies sent at once queue on a lock, so the second sees the first's answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotentRequest
from common.errors import DomainError

HEADER = "Idempotency-Key"
KEY_MAX = 255


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _lock(user_id: int, key: str) -> None:
    """Hold a transaction lock on (user, key) so concurrent retries run one after the other (PostgreSQL)."""
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def _replay(kept: IdempotentRequest) -> Response:
    response = Response(kept.body, status=kept.status_code)
    if kept.location:
        response["Location"] = kept.location
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a view's creating `post`: honour the Idempotency-Key header when the request sends one."""

    @wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if not key.strip() or len(key) > KEY_MAX or not key.isprintable():
            raise DomainError(f"Send an {HEADER} of 1 to {KEY_MAX} printable characters.", field=HEADER)
        fingerprint = _fingerprint(request)
        cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        user: Any = request.user  # signed in: the view's permissions ran before its method
        with transaction.atomic():
            _lock(user.pk, key)
            kept = IdempotentRequest.objects.filter(user=user, key=key).first()
            if kept is not None and kept.created_at >= cutoff:
                if kept.fingerprint != fingerprint:
                    raise DomainError(
                        f"This {HEADER} was used for a different request. Use a new key for a new request.",
                        field=HEADER,
                    )
                return _replay(kept)
            response = method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                # Keys past their time (this one included) make room; then the answer is kept.
                IdempotentRequest.objects.filter(user=user, created_at__lt=cutoff).delete()
                IdempotentRequest.objects.filter(user=user, key=key).delete()
                IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    body=json.loads(json.dumps(response.data, default=str)),
                    location=response.get("Location", ""),
                )
        return response

    return wrapper
