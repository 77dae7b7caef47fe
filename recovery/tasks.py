"""Celery tasks for reminders: thin wrappers over `recovery.reminders`.

Beat runs `dispatch_due_reminders` every minute (CELERY_BEAT_SCHEDULE). It
claims due rows and enqueues one `send_reminder` per row after commit. A lost
message (worker killed, broker flushed) only delays a reminder until its lease
expires and the next scan claims it again. The only countdowns on the broker
are retry backoffs of a few minutes at most, well below Redis's visibility
timeout.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from recovery import dashboard, digest, reminders

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def dispatch_due_reminders() -> int:
    """Claim due reminders and enqueue their sending; return how many were claimed."""
    return reminders.reminders_claim_due(enqueue=_enqueue)


def _enqueue(reminder_id: int, attempt: int) -> None:
    send_reminder.delay(reminder_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_reminder(self: Any, reminder_id: int, attempt: int) -> str:
    """Send one claimed reminder; retry SMTP/network errors with backoff, then give up and record why."""
    try:
        return reminders.reminder_deliver(reminder_id=reminder_id, attempt=attempt)
    except reminders.ReminderDeliveryError as exc:
        error = str(exc)
        if self.request.retries >= settings.REMINDER_MAX_RETRIES:
            logger.warning("Reminder %s failed after %s retries: %s", reminder_id, self.request.retries, error)
            failed = reminders.reminder_mark_failed(reminder_id=reminder_id, attempt=attempt, error=error)
            return "failed" if failed else "stale"
        countdown = reminders.retry_countdown(self.request.retries)
        if not reminders.reminder_prepare_retry(
            reminder_id=reminder_id, attempt=attempt, error=error, countdown=countdown
        ):
            return "stale"
        # The retry carries the new claim token (attempts was bumped with the lease).
        raise self.retry(args=(reminder_id, attempt + 1), countdown=countdown, exc=exc) from exc


# --- the managers' daily digest (recovery/digest.py) ---------------------------------------------


@shared_task(ignore_result=True)
def dispatch_manager_digests() -> int:
    """Owe today's digests once the digest hour has come, claim the due ones, enqueue their sending."""
    digest.digests_schedule()
    return digest.digests_claim_due(enqueue=_enqueue_digest)


def _enqueue_digest(digest_id: int, attempt: int) -> None:
    send_manager_digest.delay(digest_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_manager_digest(self: Any, digest_id: int, attempt: int) -> str:
    """Send one claimed digest; retry SMTP/network errors with backoff, then give up and record why."""
    try:
        return digest.digest_deliver(digest_id=digest_id, attempt=attempt)
    except reminders.ReminderDeliveryError as exc:
        error = str(exc)
        if self.request.retries >= settings.REMINDER_MAX_RETRIES:
            failed = digest.digest_mark_failed(digest_id=digest_id, attempt=attempt, error=error)
            return "failed" if failed else "stale"
        countdown = reminders.retry_countdown(self.request.retries)
        if not digest.digest_prepare_retry(digest_id=digest_id, attempt=attempt, error=error, countdown=countdown):
            return "stale"
        # The retry carries the new claim token (attempts was bumped with the lease).
        raise self.retry(args=(digest_id, attempt + 1), countdown=countdown, exc=exc) from exc


# --- the managers' dashboard (recovery/dashboard.py) ------------------------------------------------


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    """Keep the default dashboard view computed and cached, so managers do not wait for it."""
    dashboard.dashboard_refresh()
