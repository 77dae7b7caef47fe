"""Celery tasks: thin wrappers over `training.services` and `training.reminder_sending`."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from accounts import roles
from common import leases
from training import reminder_sending, services
from training.coaching import sending as coaching_sending
from training.models import CoachingNotice, TrainingReminder


@shared_task(ignore_result=True)
def renew_training() -> int:
    """Bring back modules whose pass ran out, and assign required ones to anyone still without them.

    The second half is a safety net for people the signals cannot see (a bulk load, a permission given
    to an organisation's own group); `assign_required` is the same rule the signals apply.
    """
    created = services.renew_expired(timezone.now())
    for user in roles.handlers():
        created += services.assign_required(user)
    return created


# --- due-soon and overdue reminders (what is owed: training/reminders.py; sending: reminder_sending.py) ---


@shared_task(ignore_result=True)
def dispatch_training_reminders() -> int:
    """Claim due training reminders and enqueue their sending; return how many were claimed."""
    return reminder_sending.training_reminders_claim_due(enqueue=_enqueue)


def _enqueue(reminder_id: int, attempt: int) -> None:
    send_training_reminder.delay(reminder_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_training_reminder(self: Any, reminder_id: int, attempt: int) -> str:
    """Send one claimed training reminder; retry SMTP/network errors with backoff, then give up."""
    return leases.send_with_retries(
        self,
        TrainingReminder,
        reminder_id,
        attempt,
        deliver=lambda: reminder_sending.training_reminder_deliver(reminder_id=reminder_id, attempt=attempt),
        mark_failed=lambda error: reminder_sending.training_reminder_mark_failed(
            reminder_id=reminder_id, attempt=attempt, error=error
        ),
    )


# --- the email telling a handler their complaint was reviewed (training/coaching/sending.py) ---


@shared_task(ignore_result=True)
def dispatch_coaching_notices() -> int:
    """Claim due coaching notices and enqueue their sending; return how many were claimed."""
    return coaching_sending.coaching_notices_claim_due(enqueue=_enqueue_notice)


def _enqueue_notice(notice_id: int, attempt: int) -> None:
    send_coaching_notice.delay(notice_id, attempt)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_coaching_notice(self: Any, notice_id: int, attempt: int) -> str:
    """Send one claimed coaching notice; retry SMTP/network errors with backoff, then give up."""
    return leases.send_with_retries(
        self,
        CoachingNotice,
        notice_id,
        attempt,
        deliver=lambda: coaching_sending.coaching_notice_deliver(notice_id=notice_id, attempt=attempt),
        mark_failed=lambda error: coaching_sending.coaching_notice_mark_failed(
            notice_id=notice_id, attempt=attempt, error=error
        ),
    )
