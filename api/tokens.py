"""Making, finding and revoking personal API tokens.

A token is `cd_` + 40 random URL-safe characters (about 240 bits), so a plain SHA-256 of it is a safe
thing to store and look up by: nobody can guess a token from its hash, and there is no password to
stretch. Looking a token up by its hash compares in the database, never character by character in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import TOKEN_NAME_MAX, ApiToken
from common.errors import DomainError
from common.validators import visible_or_empty

PREFIX = "cd_"
# How often a token's "last used" time is written: at most once a minute, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: Any, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; return it and the token itself, which is never shown again."""
    name = visible_or_empty(name)
    if not name:
        raise DomainError("Give the token a name, e.g. what will use it.", field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise DomainError(f"Keep the name to {TOKEN_NAME_MAX} characters.", field="name")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise DomainError("Choose an expiry in the future.", field="expires_at")
    if settings.API_TOKEN_MAX_DAYS:
        latest = now + timedelta(days=settings.API_TOKEN_MAX_DAYS)
        if expires_at is None or expires_at > latest:
            raise DomainError(
                f"Tokens here last at most {settings.API_TOKEN_MAX_DAYS} days: choose an expiry before then.",
                field="expires_at",
            )
    raw = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(PREFIX) + 6], key_hash=hash_token(raw), expires_at=expires_at
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: Any, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (at once: the next request with it is refused)."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise DomainError("That token does not exist, or is not yours.") from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str) -> tuple[Any, ApiToken] | None:
    """Return (user, token) for a token that is live and whose user is active; None otherwise.

    One query. A switched-off user's tokens stop at once because `is_active` is read on every request.
    """
    if not raw.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def tokens_of(user: Any) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (so they can see what was revoked)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
