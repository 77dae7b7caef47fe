"""Keeping count of an endpoint's failures, and switching it off after a run of them (telling the managers).

Every HTTP try is written to the delivery log (`record_attempt`). A success sets the endpoint's
`consecutive_failures` back to 0; a failure adds one with a single UPDATE (`F()`), so tries running at
once on several workers all count. The try that brings it to `WEBHOOK_DISABLE_AFTER` switches the
endpoint off with a conditional UPDATE (still on, count reached): exactly one try does, and only that
one writes the managers' emails (`WebhookNotice`, one per active manager with an address, sent by
`webhooks.notices`). A switched-off endpoint gets nothing more (its waiting deliveries are cancelled when
claimed) until a manager switches it back on; only events after that are sent.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts import roles
from webhooks.models import SNIPPET_MAX, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookNotice

logger = logging.getLogger(__name__)


def record_attempt(
    delivery: WebhookDelivery, *, at: datetime, status_code: int | None, error: str, duration_ms: int, snippet: str
) -> WebhookAttempt:
    """Write one try to the delivery log."""
    return WebhookAttempt.objects.create(
        delivery=delivery,
        endpoint_id=delivery.endpoint_id,
        at=at,
        status_code=status_code,
        error=error[:2_000],
        duration_ms=max(0, duration_ms),
        response_snippet=snippet[:SNIPPET_MAX],
    )


def endpoint_succeeded(endpoint_id: int) -> None:
    """The receiver took an event: its run of failures is over."""
    WebhookEndpoint.objects.filter(pk=endpoint_id, consecutive_failures__gt=0).update(consecutive_failures=0)


@transaction.atomic
def endpoint_failed(endpoint_id: int, *, error: str, now: datetime) -> bool:
    """Count a failed try; switch the endpoint off when the run reaches the limit. True if this try did."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.WEBHOOK_DISABLE_AFTER
    reason = f"{limit} attempt{'s' if limit != 1 else ''} in a row failed. The last: {error}"
    switched_off = WebhookEndpoint.objects.filter(
        pk=endpoint_id, is_active=True, consecutive_failures__gte=limit
    ).update(is_active=False, disabled_at=now, disabled_reason=reason)
    if not switched_off:
        return False
    logger.warning("Webhook endpoint %s was switched off: %s", endpoint_id, reason)
    _tell_managers(endpoint_id, reason=reason, now=now)
    return True


def _tell_managers(endpoint_id: int, *, reason: str, now: datetime) -> None:
    managers = list(roles.managers().exclude(email=""))
    if not managers:
        logger.warning("Webhook endpoint %s was switched off and no manager has an email address.", endpoint_id)
    WebhookNotice.objects.bulk_create(
        [
            WebhookNotice(endpoint_id=endpoint_id, recipient=manager, disabled_at=now, reason=reason, due_at=now)
            for manager in managers
        ],
        ignore_conflicts=True,
    )
