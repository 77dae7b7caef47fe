"""Calling the API as a person would: a DRF APIClient carrying a real token of theirs (api/tokens.py)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from api import tokens


def token_for(user: Any, name: str = "Tests") -> str:
    """Make a real token for `user` (stored hashed, like any other) and return the token itself."""
    _, raw = tokens.token_create(user=user, name=name)
    return raw


def api_client(user: Any | None = None) -> APIClient:
    """An APIClient sending `Authorization: Bearer <token>` for `user` (none: an anonymous client)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


def problem(response: Any, status: int) -> dict[str, Any]:
    """Assert `response` is a problem-details answer with `status`; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    assert body["title"]
    assert body["detail"]
    return body
