"""Every read the webhook pages make, each a fixed number of queries however many rows.

- `endpoints_listed`: every endpoint with its latest try (when, what came back): one query.
- `delivery_log`: an endpoint's latest tries, newest first, each with its event: one query; and which
  row of each delivery is its newest (where "Send again" is offered).
- `not_sent`: the endpoint's deliveries that failed or were cancelled, to send again: one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from common.leases import ACTIVE, LeaseStatus
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

LOG_SIZE = 50
NOT_SENT_SIZE = 20


def endpoints_listed() -> QuerySet[WebhookEndpoint]:
    """Return every endpoint, with `last_at`, `last_status` and `last_error` of its latest try (or None)."""
    latest = WebhookAttempt.objects.filter(endpoint=OuterRef("pk")).order_by("-at", "-pk")
    return WebhookEndpoint.objects.annotate(
        last_at=Subquery(latest.values("at")[:1]),
        last_status=Subquery(latest.values("status_code")[:1]),
        last_error=Subquery(latest.values("error")[:1]),
    ).order_by("-is_active", "url", "pk")


def get_endpoint(pk: int) -> WebhookEndpoint:
    """Return the endpoint, or 404."""
    return get_object_or_404(WebhookEndpoint, pk=pk)


def get_delivery(pk: int) -> WebhookDelivery:
    """Return the delivery, or 404."""
    return get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)


@dataclass(frozen=True)
class LogRow:
    """One try in the delivery log; `can_send_again` on the newest try of a delivery no longer on its way."""

    attempt: WebhookAttempt
    can_send_again: bool


def delivery_log(endpoint: WebhookEndpoint, *, size: int = LOG_SIZE) -> list[LogRow]:
    """Return the endpoint's latest `size` tries, newest first."""
    attempts = (
        WebhookAttempt.objects.filter(endpoint=endpoint)
        .select_related("delivery__event")
        .defer("delivery__event__body")
        .order_by("-at", "-pk")[:size]
    )
    rows, seen = [], set()
    for attempt in attempts:
        delivery = attempt.delivery
        newest = delivery.pk not in seen
        seen.add(delivery.pk)
        rows.append(LogRow(attempt=attempt, can_send_again=newest and delivery.status not in ACTIVE))
    return rows


def not_sent(endpoint: WebhookEndpoint, *, size: int = NOT_SENT_SIZE) -> list[WebhookDelivery]:
    """Return the endpoint's latest deliveries that failed or were cancelled, newest first."""
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint, status__in=[LeaseStatus.FAILED, LeaseStatus.CANCELLED])
        .select_related("event")
        .defer("event__body")
        .order_by("-due_at", "-pk")[:size]
    )


def waiting_count(endpoint: WebhookEndpoint) -> int:
    """Return how many deliveries to the endpoint are on their way (pending or being sent)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint, status__in=ACTIVE).count()
