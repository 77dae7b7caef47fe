"""The address a request came from, for sign-in lockouts."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it received the request from, so with N
    proxies the client is the N-th address from the right; anything further left
    was written by the client itself and could be forged. An entry that is not an address
    (a proxy writing "unknown" or a port, a request that bypassed the proxy) counts as missing:
    the lockout stores addresses, and one it cannot store would make a sign-in a server error.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    client = forwarded[-proxies]
    try:
        ipaddress.ip_address(client)
    except ValueError:
        return remote
    return client
