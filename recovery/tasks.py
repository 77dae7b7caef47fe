"""Celery tasks: thin wrappers over `recovery.notifications` (and the dashboard's refresh).

Beat runs `dispatch_due_reminders` every minute (CELERY_BEAT_SCHEDULE). It
claims due rows and enqueues one `send_reminder` per row after commit. A lost
message (worker killed, broker flushed) only delays a reminder until its lease
expires and the next scan claims it again. The only countdowns on the broker
are retry backoffs of a few minutes at most, well below Redis's visibility
timeout.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from common import leases
from recovery import dashboard, digest
from recovery.models import ManagerDigest, Reminder
from recovery.notifications import digest as digest_sending
from recovery.notifications import sending
from recovery.rollup import build as rollup_build


@shared_task(ignore_result=True)
def dispatch_due_reminders() -> int:
    """Claim due reminders and enqueue their sending; return how many were claimed."""
    return sending.reminders_claim_due(enqueue=_enqueue)


def _enqueue(reminder_id: int, attempt: int) -> None:
    send_reminder.delay(reminder_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_reminder(self: Any, reminder_id: int, attempt: int) -> str:
    """Send one claimed reminder; retry SMTP/network errors with backoff, then give up and record why."""
    return leases.send_with_retries(
        self,
        Reminder,
        reminder_id,
        attempt,
        deliver=lambda: sending.reminder_deliver(reminder_id=reminder_id, attempt=attempt),
        mark_failed=lambda error: sending.reminder_mark_failed(reminder_id=reminder_id, attempt=attempt, error=error),
    )


# --- the managers' daily digest (content: recovery/digest.py; sending: recovery/notifications/digest.py) ---


@shared_task(ignore_result=True)
def dispatch_manager_digests() -> int:
    """Owe today's digests once the digest hour has come, claim the due ones, enqueue their sending."""
    digest.digests_schedule()
    return digest_sending.digests_claim_due(enqueue=_enqueue_digest)


def _enqueue_digest(digest_id: int, attempt: int) -> None:
    send_manager_digest.delay(digest_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_manager_digest(self: Any, digest_id: int, attempt: int) -> str:
    """Send one claimed digest; retry SMTP/network errors with backoff, then give up and record why."""
    return leases.send_with_retries(
        self,
        ManagerDigest,
        digest_id,
        attempt,
        deliver=lambda: digest_sending.digest_deliver(digest_id=digest_id, attempt=attempt),
        mark_failed=lambda error: digest_sending.digest_mark_failed(digest_id=digest_id, attempt=attempt, error=error),
    )


# --- the managers' dashboard (recovery/dashboard/) --------------------------------------------------


@shared_task(ignore_result=True)
def apply_dashboard_changes() -> None:
    """Fold the changes of the last seconds into the dashboard's roll-up, so a manager's page has few left."""
    rollup_build.apply_changes()


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    """Keep the default dashboard view computed and cached, so managers do not wait for it."""
    dashboard.dashboard_refresh()
