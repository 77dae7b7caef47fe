"""Personal API tokens, and the first answer to a request sent with an Idempotency-Key."""

from __future__ import annotations

from django.conf import settings
from django.db import models

TOKEN_NAME_MAX = 100


class ApiToken(models.Model):
    """A token a person made for a program to act as them; only its SHA-256 is stored.

    The token itself is shown once, when it is made. `prefix` (its first characters, not secret) lets the
    person tell their tokens apart. A revoked or expired token, or one whose user was switched off,
    authenticates nobody (api/tokens.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=TOKEN_NAME_MAX, help_text="What the token is for, in the owner's words.")
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: does not expire.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(models.Model):
    """The first answer to a creating request with an `Idempotency-Key`, returned again to a retry.

    One row per user and key; `fingerprint` is a hash of the method, path and body, so the same key sent
    with a different request is refused instead of answered with someone else's result.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once_per_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
