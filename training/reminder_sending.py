"""Sending training reminders: claiming the due `TrainingReminder` rows and delivering each.

Which reminders are owed, and when, is `training/reminders.py`. `training_reminders_claim_due` fails rows
whose lease ran out too often (`common.leases.give_up_stuck`), claims the due ones with a lease and
hands each to the send task after commit; `training_reminder_deliver` re-reads the row (still claimed,
same token), cancels it when it became moot (the module passed, the person switched off, "due soon"
after the due day), sends it, and marks it sent only while it still holds the claim. The tasks in
`training/tasks.py` are thin wrappers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from common import leases
from common.emails import email_message
from common.leases import LeaseStatus
from common.people import display_name
from common.urls import absolute_url
from training.models import TrainingReminder, TrainingReminderKind
from training.reminders import due_soon_is_moot, reminder_moment

logger = logging.getLogger(__name__)

WHY = "You get this because this training was assigned to you in CareDesk."


@transaction.atomic
def training_reminders_claim_due(*, enqueue: Callable[[int, int], object], now: datetime | None = None) -> int:
    """Claim due training reminders (and claims whose lease ran out); enqueue each after commit.

    Rows another scanner holds are skipped, never waited for. Returns how many were claimed.
    """
    now = now or timezone.now()
    due = leases.claimable(now, ready=Q(due_at__lte=now))
    leases.give_up_stuck(
        TrainingReminder,
        now=now,
        mark_failed=lambda pk, attempt, error: training_reminder_mark_failed(
            reminder_id=pk, attempt=attempt, error=error
        ),
    )
    rows = TrainingReminder.objects.filter(due).order_by("due_at", "pk")
    return leases.claim(rows, now=now, enqueue=enqueue, limit=settings.REMINDER_BATCH_SIZE)


def _message(reminder: TrainingReminder, to: str) -> EmailMultiAlternatives:
    assignment = reminder.assignment
    module = assignment.module
    version = module.current_version
    due = dateformat.format(assignment.due_on, "D j M")
    overdue = reminder.kind == TrainingReminderKind.OVERDUE
    return email_message(
        template="emails/training_reminder",
        context={
            "recipient_name": display_name(reminder.recipient),
            "title": version.title if version is not None else module.slug,
            "due_on": assignment.due_on,
            "overdue": overdue,
            "url": absolute_url("training:module_take", module.slug),
            "my_training_url": absolute_url("training:my_training"),
        },
        about="Training",
        # From the kind and the date only: the module's title is typed by a person.
        what=f"a module was due on {due}" if overdue else f"a module is due on {due}",
        why=WHY,
        to=[to],
        # Lets an operator (and the tests) tie a delivered email to its row, e.g. to spot a duplicate.
        headers={"X-CareDesk-Training-Reminder": str(reminder.pk)},
    )


def _cancel(reminder_id: int, attempt: int) -> str:
    return "cancelled" if leases.finish(TrainingReminder, reminder_id, attempt, LeaseStatus.CANCELLED) else "stale"


def training_reminder_deliver(*, reminder_id: int, attempt: int) -> str:
    """Send one claimed training reminder and mark it sent; return what happened.

    'stale' when the claim is no longer ours; 'cancelled' when it became moot; 'moved' when the due date
    changed since it was claimed (it waits, pending, for its new time); 'failed' when the person has no
    address; 'sent' when delivered and recorded. Raises leases.DeliveryError on SMTP or network trouble.
    """
    now = timezone.now()
    reminder = (
        TrainingReminder.objects.select_related("assignment", "assignment__module__current_version", "recipient")
        .filter(leases.held(reminder_id, attempt), lease_expires_at__gt=now)
        .first()
    )
    if reminder is None:
        return "stale"
    assignment = reminder.assignment
    if assignment.closed_at is not None or not reminder.recipient.is_active:
        return _cancel(reminder_id, attempt)
    if reminder.kind == TrainingReminderKind.DUE_SOON and due_soon_is_moot(assignment.due_on, now):
        return _cancel(reminder_id, attempt)
    moment = reminder_moment(assignment.due_on, reminder.kind)
    if moment != reminder.due_at:
        moved = leases.finish(TrainingReminder, reminder_id, attempt, LeaseStatus.PENDING, due_at=moment)
        return "moved" if moved else "stale"
    to = reminder.recipient.email
    if not to:
        error = "The person has no email address."
        failed = training_reminder_mark_failed(reminder_id=reminder_id, attempt=attempt, error=error)
        return "failed" if failed else "stale"
    leases.send(_message(reminder, to))
    # Nothing between the server's acceptance and this UPDATE: the window for a duplicate stays tiny.
    if not leases.finish(
        TrainingReminder, reminder_id, attempt, LeaseStatus.SENT, sent_at=timezone.now(), last_error=""
    ):
        logger.warning("Training reminder %s was sent but its claim was taken meanwhile (%s).", reminder_id, attempt)
        return "stale"
    return "sent"


def training_reminder_mark_failed(*, reminder_id: int, attempt: int, error: str) -> bool:
    """Give up on a training reminder, with the reason on the row and in the log."""
    failed = leases.finish(TrainingReminder, reminder_id, attempt, LeaseStatus.FAILED, last_error=error)
    if failed:
        logger.warning("Training reminder %s failed (attempt %s): %s", reminder_id, attempt, error[: leases.ERROR_MAX])
    return failed
