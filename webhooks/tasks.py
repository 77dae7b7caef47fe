"""Celery tasks: thin wrappers over `webhooks.announcing`, `webhooks.sending` and `webhooks.notices`.

Beat runs `announce_events` (the outbox into deliveries), `dispatch_webhooks` (claim due
deliveries) and `dispatch_webhook_notices` (the managers' emails) every few seconds; each claimed row is
sent by its own task, which retries with backoff (`common.leases.send_with_retries`).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from common import leases
from webhooks import announcing, notices, sending
from webhooks.models import WebhookDelivery, WebhookNotice


@shared_task(ignore_result=True)
def announce_events() -> int:
    """Turn the timeline events waiting in the outbox into webhook deliveries; return how many were handled."""
    return announcing.announce_events()


# --- deliveries (webhooks/sending.py) ---


@shared_task(ignore_result=True)
def dispatch_webhooks() -> int:
    """Claim due webhook deliveries and enqueue their sending; return how many were claimed."""
    return sending.deliveries_claim_due(enqueue=_enqueue)


def _enqueue(delivery_id: int, attempt: int) -> None:
    send_webhook.delay(delivery_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_webhook(self: Any, delivery_id: int, attempt: int) -> str:
    """POST one claimed delivery; retry timeouts, connection errors and non-2xx answers with backoff."""
    return leases.send_with_retries(
        self,
        WebhookDelivery,
        delivery_id,
        attempt,
        deliver=lambda: sending.delivery_deliver(delivery_id=delivery_id, attempt=attempt),
        mark_failed=lambda error: sending.delivery_mark_failed(delivery_id=delivery_id, attempt=attempt, error=error),
    )


# --- the managers' email when an endpoint is switched off (webhooks/notices.py) ---


@shared_task(ignore_result=True)
def dispatch_webhook_notices() -> int:
    """Claim due notices and enqueue their sending; return how many were claimed."""
    return notices.webhook_notices_claim_due(enqueue=_enqueue_notice)


def _enqueue_notice(notice_id: int, attempt: int) -> None:
    send_webhook_notice.delay(notice_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_webhook_notice(self: Any, notice_id: int, attempt: int) -> str:
    """Send one claimed notice; retry SMTP/network errors with backoff, then give up."""
    return leases.send_with_retries(
        self,
        WebhookNotice,
        notice_id,
        attempt,
        deliver=lambda: notices.webhook_notice_deliver(notice_id=notice_id, attempt=attempt),
        mark_failed=lambda error: notices.webhook_notice_mark_failed(notice_id=notice_id, attempt=attempt, error=error),
    )
