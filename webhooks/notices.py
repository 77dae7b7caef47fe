"""Sending the email telling a manager an endpoint was switched off: `WebhookNotice` rows over `common.leases`.

Written by `webhooks.failures` when a run of failures switches an endpoint off, one per active manager;
claimed and sent here like every leased email (`training/coaching/sending.py` is the same shape). It is
cancelled when the manager was switched off meanwhile, or a manager already switched the endpoint back on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import leases
from common.emails import email_message
from common.leases import LeaseStatus
from common.people import display_name
from common.urls import absolute_url
from webhooks.models import WebhookNotice

logger = logging.getLogger(__name__)

WHY = "You get this because you are a manager in CareDesk, where webhooks are set up."


@transaction.atomic
def webhook_notices_claim_due(*, enqueue: Callable[[int, int], object], now: datetime | None = None) -> int:
    """Claim due notices (and claims whose lease ran out); enqueue each after commit."""
    now = now or timezone.now()
    leases.give_up_stuck(
        WebhookNotice,
        now=now,
        mark_failed=lambda pk, attempt, error: webhook_notice_mark_failed(notice_id=pk, attempt=attempt, error=error),
    )
    rows = WebhookNotice.objects.filter(leases.claimable(now, ready=Q(due_at__lte=now))).order_by("due_at", "pk")
    return leases.claim(rows, now=now, enqueue=enqueue, limit=settings.REMINDER_BATCH_SIZE)


def _message(notice: WebhookNotice, to: str) -> EmailMultiAlternatives:
    endpoint = notice.endpoint
    return email_message(
        template="webhooks/emails/endpoint_switched_off",
        context={
            "recipient_name": display_name(notice.recipient),
            "endpoint_url": endpoint.url,
            "description": endpoint.description,
            "switched_off_at": notice.disabled_at,
            "reason": notice.reason,
            "url": absolute_url("webhooks:endpoint_detail", endpoint.pk),
        },
        about="Webhooks",
        # From a fixed text only: the URL and description are typed by a person.
        what="an endpoint was switched off",
        why=WHY,
        to=[to],
        headers={"X-CareDesk-Webhook-Notice": str(notice.pk)},
    )


def webhook_notice_deliver(*, notice_id: int, attempt: int) -> str:
    """Send one claimed notice and mark it sent; return what happened.

    'stale' when the claim is no longer ours; 'cancelled' when the manager was switched off or the endpoint
    is on again; 'sent' when delivered and recorded. Raises leases.DeliveryError on SMTP trouble.
    """
    notice = (
        WebhookNotice.objects.select_related("endpoint", "recipient")
        .filter(leases.held(notice_id, attempt), lease_expires_at__gt=timezone.now())
        .first()
    )
    if notice is None:
        return "stale"
    if not notice.recipient.is_active or notice.endpoint.is_active:
        cancelled = leases.finish(WebhookNotice, notice_id, attempt, LeaseStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    to = notice.recipient.email
    if not to:
        failed = webhook_notice_mark_failed(
            notice_id=notice_id, attempt=attempt, error="The person has no email address."
        )
        return "failed" if failed else "stale"
    leases.send(_message(notice, to))
    if not leases.finish(WebhookNotice, notice_id, attempt, LeaseStatus.SENT, sent_at=timezone.now(), last_error=""):
        logger.warning("Webhook notice %s was sent but its claim was taken meanwhile (%s).", notice_id, attempt)
        return "stale"
    return "sent"


def webhook_notice_mark_failed(*, notice_id: int, attempt: int, error: str) -> bool:
    """Give up on a notice, with the reason on the row and in the log."""
    failed = leases.finish(WebhookNotice, notice_id, attempt, LeaseStatus.FAILED, last_error=error)
    if failed:
        logger.warning("Webhook notice %s failed (attempt %s): %s", notice_id, attempt, error[: leases.ERROR_MAX])
    return failed
