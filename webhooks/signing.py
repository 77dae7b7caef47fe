"""How a webhook body is signed, and how a receiver checks it (the README shows the same check).

The signature is HMAC-SHA256, keyed with the endpoint's secret, over "<timestamp>.<body>": the
timestamp (unix seconds when sent, header `CareDesk-Timestamp`) is signed too, so a captured request
cannot be replayed later with a fresh timestamp, and a receiver refuses one older than the tolerance.
Header: `CareDesk-Signature: v1=<hex digest>` ("v1" names the scheme, so another can come beside it).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "v1"
# How old (or how far in the future) a timestamp a receiver accepts: clocks differ, requests take time.
TOLERANCE_SECONDS = 300

EVENT_ID_HEADER = "CareDesk-Event-Id"
EVENT_TYPE_HEADER = "CareDesk-Event-Type"
TIMESTAMP_HEADER = "CareDesk-Timestamp"
SIGNATURE_HEADER = "CareDesk-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for `body` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    return f"{SCHEME}={hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    header: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Return True when `header` signs `body` at `timestamp` with `secret`, and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header.strip())


def headers(
    *, secret: str, event_id: str, event_type: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """Return the headers a delivery carries: what it is, when it was sent, and the signature."""
    sent = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": "CareDesk-Webhooks/1",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(sent),
        SIGNATURE_HEADER: signature(secret, sent, body),
    }
