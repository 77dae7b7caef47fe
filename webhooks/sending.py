"""Sending webhook deliveries over `common.leases`: claim the due ones, POST each, record what came back.

`deliveries_claim_due` fails rows whose lease ran out too often, claims the due ones with a lease and
hands each to the send task after commit. `delivery_deliver` re-reads the row (still claimed, same token,
lease not run out), cancels it when its endpoint was switched off (or the customer's data was erased
after its body was frozen), signs the frozen body with the time of sending, POSTs it (`outbound`) and
writes the try to the delivery log. A 2xx marks it sent; anything else (a timeout, no connection, a
non-2xx answer, a redirect) counts a failure for the endpoint and raises `leases.DeliveryError`, which the
task retries with backoff under a new claim token, the same event id and the same bytes. So delivery is
at least once: a receiver drops a duplicate by `CareDesk-Event-Id`. An address refused as private fails
the delivery at once (a retry would be refused the same way); so does the failure that switches the
endpoint off. The tasks in `webhooks/tasks.py` are thin wrappers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import leases
from common.leases import LeaseStatus
from webhooks import failures, outbound, signing
from webhooks.models import WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

SWITCHED_OFF = "The endpoint is switched off; this event was not sent."
ERASED = "The customer's personal data was erased after this event was made; it is not sent."


@transaction.atomic
def deliveries_claim_due(*, enqueue: Callable[[int, int], object], now: datetime | None = None) -> int:
    """Claim due webhook deliveries (and claims whose lease ran out); enqueue each after commit."""
    now = now or timezone.now()
    leases.give_up_stuck(
        WebhookDelivery,
        now=now,
        mark_failed=lambda pk, attempt, error: delivery_mark_failed(delivery_id=pk, attempt=attempt, error=error),
    )
    rows = WebhookDelivery.objects.filter(leases.claimable(now, ready=Q(due_at__lte=now))).order_by("due_at", "pk")
    return leases.claim(rows, now=now, enqueue=enqueue, limit=settings.REMINDER_BATCH_SIZE)


def erased_since_frozen(event: WebhookEvent) -> bool:
    """Return True when the complaint's customer was erased after the event's body was frozen."""
    complaint = event.complaint
    return complaint is not None and complaint.customer.is_erased and not event.customer_was_erased


def delivery_deliver(*, delivery_id: int, attempt: int) -> str:
    """POST one claimed delivery and record what came back; return what happened.

    'stale' when the claim is no longer ours; 'cancelled' when it is no longer to be sent; 'failed' when the
    address is refused or this failure switched the endpoint off; 'sent' on a 2xx. Raises
    leases.DeliveryError on any other failure, for the task to retry.
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "event__complaint__customer")
        .filter(leases.held(delivery_id, attempt), lease_expires_at__gt=timezone.now())
        .first()
    )
    if delivery is None:
        return "stale"
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.is_active or erased_since_frozen(event):
        why = SWITCHED_OFF if not endpoint.is_active else ERASED
        cancelled = leases.finish(WebhookDelivery, delivery_id, attempt, LeaseStatus.CANCELLED, last_error=why)
        return "cancelled" if cancelled else "stale"
    body = event.body.encode()
    headers = signing.headers(secret=endpoint.secret, event_id=str(event.id), event_type=event.type, body=body)
    started, at = time.monotonic(), timezone.now()
    try:
        answer = outbound.post(endpoint.url, body, headers)
    except outbound.OutboundError as exc:
        return _failed(
            delivery,
            attempt,
            error=str(exc),
            at=at,
            started=started,
            permanent=isinstance(exc, outbound.AddressRefused),
        )
    if not 200 <= answer.status < 300:
        error = f"The receiver answered {answer.status}."
        if 300 <= answer.status < 400:
            error += f" Redirects are not followed{f' (to {answer.location})' if answer.location else ''}."
        return _failed(
            delivery, attempt, error=error, at=at, started=started, status=answer.status, snippet=answer.snippet
        )
    failures.record_attempt(
        delivery, at=at, status_code=answer.status, error="", duration_ms=_ms(started), snippet=answer.snippet
    )
    failures.endpoint_succeeded(endpoint.pk)
    # Nothing between the receiver's answer and this UPDATE: the window for a duplicate stays tiny.
    if not leases.finish(
        WebhookDelivery, delivery_id, attempt, LeaseStatus.SENT, sent_at=timezone.now(), last_error=""
    ):
        logger.warning("Webhook delivery %s was sent but its claim was taken meanwhile (%s).", delivery_id, attempt)
        return "stale"
    return "sent"


def _failed(
    delivery: WebhookDelivery,
    attempt: int,
    *,
    error: str,
    at: datetime,
    started: float,
    status: int | None = None,
    snippet: str = "",
    permanent: bool = False,
) -> str:
    """Record a failed try; fail the delivery at once when retrying is pointless, else raise for a retry."""
    failures.record_attempt(delivery, at=at, status_code=status, error=error, duration_ms=_ms(started), snippet=snippet)
    switched_off = failures.endpoint_failed(delivery.endpoint_id, error=error, now=timezone.now())
    if switched_off:
        error = f"{error} The endpoint was switched off after {settings.WEBHOOK_DISABLE_AFTER} failures in a row."
    if permanent or switched_off:
        failed = delivery_mark_failed(delivery_id=delivery.pk, attempt=attempt, error=error)
        return "failed" if failed else "stale"
    raise leases.DeliveryError(error)


def delivery_mark_failed(*, delivery_id: int, attempt: int, error: str) -> bool:
    """Give up on a delivery, with the reason on the row and in the log (a manager can send it again)."""
    failed = leases.finish(WebhookDelivery, delivery_id, attempt, LeaseStatus.FAILED, last_error=error)
    if failed:
        logger.warning("Webhook delivery %s failed (attempt %s): %s", delivery_id, attempt, error[: leases.ERROR_MAX])
    return failed


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
