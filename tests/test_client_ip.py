"""Whose address a sign-in comes from (common/client_ip.py), and what django-axes locks with it.

The lockout is per username *and* address (AXES_LOCKOUT_PARAMETERS): a stranger guessing alice's
password from one address must not lock alice out at her own desk, nor lock out everyone behind the
same address. Behind TRUSTED_PROXY_COUNT proxies the address is read from X-Forwarded-For, counting
from the right, because everything further left was written by the client and could be forged.
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from common.client_ip import client_ip

PASSWORD = "right-password"
PROXY = "10.0.0.2"  # the reverse proxy, as the app server sees it


def request_from(remote: str, forwarded: str | None = None) -> Any:
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


# --- reading the address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy: the header is the client's own words and is ignored.
        (0, None, PROXY),
        (0, "198.51.100.9", PROXY),
        # One proxy: the address it appended, whatever the client wrote before it.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.9, 203.0.113.7", "203.0.113.7"),
        (1, " 198.51.100.9 ,203.0.113.7 ", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Two proxies: the outer one wrote the client's address second from the right.
        (2, "198.51.100.9, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        # Fewer addresses than proxies (a request that skipped one): the address we connected to.
        (1, None, PROXY),
        (1, "", PROXY),
        (1, " , ", PROXY),
        (2, "203.0.113.7", PROXY),
        # Not an address (a proxy that writes "unknown" or a port, or a request that bypassed it): the proxy's.
        (1, "unknown", PROXY),
        (1, "198.51.100.9, not-an-address", PROXY),
        (1, "203.0.113.7:51234", PROXY),
    ],
)
def test_the_client_address(settings: Any, proxies: int, forwarded: str | None, expected: str) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from(PROXY, forwarded)) == expected


def test_axes_reads_the_address_with_it(settings: Any) -> None:
    assert settings.AXES_CLIENT_IP_CALLABLE == "common.client_ip.client_ip"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- the lockout -------------------------------------------------------------------------------


@pytest.fixture
def alice_with_password(alice: Any) -> Any:
    alice.set_password(PASSWORD)
    alice.save()
    return alice


def sign_in(password: str, *, username: str = "alice", remote: str = PROXY, forwarded: str | None = None) -> int:
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers).status_code


def fail(times: int, **kwargs: Any) -> list[int]:
    return [sign_in("wrong", **kwargs) for _ in range(times)]


def test_the_limit_locks_that_username_from_that_address_only(settings: Any, alice_with_password: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT

    assert fail(limit, remote="198.51.100.9") == [200] * (limit - 1) + [429]

    assert sign_in(PASSWORD, remote="198.51.100.9") == 429  # even the right password, from there
    assert sign_in(PASSWORD, remote="203.0.113.7") == 302  # alice at her own desk
    assert sign_in("wrong", username="bob", remote="198.51.100.9") == 200  # someone else from there


def test_a_successful_sign_in_starts_the_count_again(settings: Any, alice_with_password: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert fail(limit - 1) == [200] * (limit - 1)
    assert sign_in(PASSWORD) == 302
    assert fail(limit - 1) == [200] * (limit - 1)  # not locked: the success reset the count
    assert sign_in(PASSWORD) == 302


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(
    settings: Any, alice_with_password: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in("wrong", remote="198.51.100.9", forwarded=f"192.0.2.{n}") for n in range(limit)]

    assert statuses == [200] * (limit - 1) + [429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}


def test_behind_a_proxy_each_client_is_locked_on_its_own_address(settings: Any, alice_with_password: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    limit = settings.AXES_FAILURE_LIMIT
    # Every request reaches the app from the proxy; the client writes any address it likes on the left.
    statuses = [sign_in("wrong", forwarded=f"192.0.2.{n}, 198.51.100.9") for n in range(limit)]

    assert statuses == [200] * (limit - 1) + [429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
    # The proxy's address is not what is locked: alice, coming through the same proxy, signs in.
    assert sign_in(PASSWORD, forwarded="203.0.113.7") == 302


def test_a_forwarded_for_that_is_not_an_address_is_a_failed_sign_in_not_a_crash(
    settings: Any, alice_with_password: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1

    assert sign_in("wrong", forwarded="unknown") == 200  # the sign-in form again, with its error

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    assert sign_in(PASSWORD, forwarded="unknown") == 302
