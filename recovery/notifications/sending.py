"""The one sending loop for every email owed from a `Reminder` row, whatever its kind.

The beat task calls `reminders_claim_due`, which fails rows whose lease ran out too often
(`common.leases.give_up_stuck`), claims the due ones with a lease and hands each to the send task
after commit; the send task calls `reminder_deliver`, which asks the row's kind (`NOTICES`) whether
it is moot, where it goes and what it says, sends it, and marks it sent only while it still holds
the claim. `attempts` is the claim token: every claim and every retry bumps it, so a stale task
(its lease taken over by a later scan) finds a different number and stands down.

A new kind of reminder email is a module with a `Notice` in this package, added to `NOTICES`.
Nothing here imports Celery: the tasks in `recovery.tasks` are thin wrappers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import leases
from common.emails import email_message
from common.people import display_name
from common.urls import absolute_url
from recovery.models import ComplaintEvent, EventKind, Reminder, ReminderStatus, Stage, format_reference
from recovery.notifications import (
    acknowledgement,
    customer_wrote,
    escalation,
    handover,
    inbox,
    step_reminders,
    survey,
)
from recovery.notifications.base import Notice
from recovery.notifications.customer import customer_message_id
from recovery.reminders import CUSTOMER_KINDS

logger = logging.getLogger(__name__)

# Every kind of reminder email, by the `ReminderKind` its rows store.
NOTICES: dict[str, Notice] = {
    kind: module.NOTICE
    for module in (step_reminders, escalation, acknowledgement, survey, handover, inbox, customer_wrote)
    for kind in module.NOTICE.kinds
}


# --- claiming --------------------------------------------------------------------------------


def reminders_claim_due(
    *,
    enqueue: Callable[[int, int], object],
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> int:
    """Claim due reminders in batches and enqueue `enqueue(reminder_id, attempts)` after each batch commits.

    Due means pending with due_at <= now, or claimed with an expired lease (its worker died or the
    broker lost the message). Rows another scanner holds are skipped, never waited for.
    Returns how many were claimed.
    """
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    max_batches = max_batches or settings.REMINDER_MAX_BATCHES_PER_RUN
    claimed = 0
    for _ in range(max_batches):
        count = _claim_batch(enqueue=enqueue, now=now or timezone.now(), batch_size=batch_size)
        claimed += count
        if count < batch_size:
            break
    return claimed


@transaction.atomic
def _claim_batch(*, enqueue: Callable[[int, int], object], now: datetime, batch_size: int) -> int:
    due = leases.claimable(now, ready=Q(due_at__lte=now))
    leases.give_up_stuck(
        Reminder,
        now=now,
        mark_failed=lambda pk, attempt, error: reminder_mark_failed(reminder_id=pk, attempt=attempt, error=error),
    )
    return leases.claim(Reminder.objects.filter(due).order_by("due_at"), now=now, enqueue=enqueue, limit=batch_size)


# --- delivering ---------------------------------------------------------------------------------


def _message(reminder: Reminder, notice: Notice, to: list[str], *, now: datetime) -> EmailMultiAlternatives:
    complaint = reminder.complaint
    context: dict[str, Any] = {
        "reminder": reminder,
        "complaint": complaint,
        "reference": complaint.reference,
        "step_label": Stage(reminder.step).label,
        "kind": reminder.kind,
        "due_at": timezone.localtime(reminder.due_at),
        "recipient_name": display_name(reminder.recipient),
        "owner_inactive": False,
        "owner_name": display_name(complaint.owner),
        "url": absolute_url("recovery:complaint_detail", complaint.pk),
        "follow_up_was_due": None,
        **notice.context(reminder, now=now),
    }
    return email_message(
        template=notice.template,
        context=context,
        about=f"Complaint {format_reference(reminder.complaint_id)}",
        what=notice.what(reminder, now=now),
        why=notice.why(reminder),
        to=to,
        # Lets an operator (and the tests) tie a delivered email to its row, e.g. to spot a duplicate;
        # the customer's emails get a Message-ID their replies can be threaded by (intake.mailbox).
        headers={
            "X-CareDesk-Reminder": str(reminder.pk),
            **(
                {"Message-ID": customer_message_id(reminder.complaint_id, reminder.pk)}
                if reminder.kind in CUSTOMER_KINDS
                else {}
            ),
        },
    )


def _event(reminder: Reminder, kind: EventKind, *, to: str | None = None, **extra: Any) -> None:
    complaint = reminder.complaint
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=None,
        kind=kind,
        created_at=timezone.now(),
        stage_before=complaint.stage,
        stage_after=complaint.stage,
        payload={
            "reminder_id": reminder.pk,
            "reminder": reminder.kind,
            "step": reminder.step,
            "round": reminder.round,
            "to": reminder.recipient_email if to is None else to,
            "attempts": reminder.attempts,
            **extra,
        },
    )


def reminder_deliver(*, reminder_id: int, attempt: int) -> str:
    """Send one claimed reminder and mark it sent; return what happened.

    'stale' when the claim is no longer ours (cancelled, re-claimed, already sent, or the lease ran out);
    'cancelled' when its kind says it became moot; 'sent' when delivered and recorded; 'failed' when it
    cannot be sent at all (no address). Raises leases.DeliveryError on SMTP or network trouble, to retry.
    """
    reminder = (
        Reminder.objects.select_related(
            "complaint", "complaint__customer", "complaint__owner", "recipient", "event", "event__actor"
        )
        .filter(leases.held(reminder_id, attempt), lease_expires_at__gt=timezone.now())
        .first()
    )
    if reminder is None:
        return "stale"
    notice = NOTICES[reminder.kind]
    now = timezone.now()
    if notice.moot(reminder, now=now):
        cancelled = leases.finish(Reminder, reminder_id, attempt, ReminderStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    to = notice.addresses(reminder)
    if not to:
        error = notice.no_address_error(reminder)
        return "failed" if reminder_mark_failed(reminder_id=reminder_id, attempt=attempt, error=error) else "stale"
    leases.send(_message(reminder, notice, to, now=now))
    # Nothing between the server's acceptance and this UPDATE: the window for a duplicate stays tiny.
    with transaction.atomic():
        sent_at = timezone.now()
        if not leases.finish(
            Reminder, reminder_id, attempt, ReminderStatus.SENT, sent_at=sent_at, last_error="", sent_to=", ".join(to)
        ):
            logger.warning("Reminder %s was sent but its claim was taken meanwhile (attempt %s).", reminder_id, attempt)
            return "stale"
        _event(reminder, EventKind.REMINDER_SENT, to=", ".join(to))
        notice.record_sent(reminder, to=", ".join(to), now=sent_at)
    return "sent"


@transaction.atomic
def reminder_mark_failed(*, reminder_id: int, attempt: int, error: str) -> bool:
    """Give up on a reminder, with the reason on the row and on the complaint's timeline."""
    if not leases.finish(Reminder, reminder_id, attempt, ReminderStatus.FAILED, last_error=error):
        return False
    reminder = Reminder.objects.select_related("complaint", "recipient").get(pk=reminder_id)
    to = NOTICES[reminder.kind].failed_to(reminder)
    _event(reminder, EventKind.REMINDER_FAILED, to=to, error=error[: leases.ERROR_MAX])
    return True
