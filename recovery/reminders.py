"""Reminders: which emails a complaint owes, and when.

The database is the source of truth. `reminders_reschedule` runs at the end of every workflow
change, in its transaction, and leaves exactly the reminders the complaint's current state needs;
`reminders_acknowledge` and `reminders_notify` owe the customer's acknowledgement and a new owner's
notice. Claiming and sending the due rows is `recovery.notifications` (one module per kind of email,
one sending loop), over the lease machinery in `common.leases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common import leases
from common.leases import ACTIVE
from recovery.models import (
    NOTICE_KINDS,
    ROLE_ADDRESSED_KINDS,
    STEPS,
    Complaint,
    ComplaintEvent,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Stage,
)

# Steps 1–4 get "due soon" and "overdue"; the follow-up gets one reminder on its day.
TIMED_STEPS = (Stage.APOLOGIZE, Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE)
# "Due soon" comes this share of the step's window before it is due, capped by REMINDER_DUE_SOON_MAX_MINUTES.
DUE_SOON_SHARE = 0.25
# Reminders that follow the complaint's steps (scheduled by reminders_reschedule) and the ones to the customer.
STEP_KINDS = (
    ReminderKind.STEP_DUE_SOON,
    ReminderKind.STEP_OVERDUE,
    ReminderKind.FOLLOW_UP_DUE,
    ReminderKind.ESCALATION,
    ReminderKind.INBOX_UNOWNED,
)
CUSTOMER_KINDS = (ReminderKind.ACKNOWLEDGEMENT, ReminderKind.CUSTOMER_SURVEY)


@dataclass(frozen=True)
class _Wanted:
    kind: str
    step: str
    due_at: datetime


# --- scheduling ----------------------------------------------------------------------------


def _wanted(complaint: Complaint, *, now: datetime) -> list[_Wanted]:
    """Return the reminders the complaint's current state calls for ("due soon" only while not yet overdue).

    Every step, the follow-up included, also gets an escalation to the managers once it has been overdue
    for the policy's grace (`step_escalates_at`, set with the step's due time).
    """
    due = complaint.step_due_at
    if due is None or complaint.stage not in STEPS:
        return []
    # Set with the due time when the step started: a later policy change does not move it.
    escalates = complaint.step_escalates_at
    escalation = [_Wanted(ReminderKind.ESCALATION, complaint.stage, escalates)] if escalates is not None else []
    if complaint.owner_id is None:
        # In the inbox nobody owns the step, so nobody gets its reminders: the front line is warned once
        # when it has waited too long (INBOX_ALERT_MINUTES after it arrived), the managers as for any step.
        unowned = complaint.round_started_at + timedelta(minutes=settings.INBOX_ALERT_MINUTES)
        return [_Wanted(ReminderKind.INBOX_UNOWNED, complaint.stage, unowned), *escalation]
    if complaint.stage == Stage.FOLLOW_UP:
        return [_Wanted(ReminderKind.FOLLOW_UP_DUE, Stage.FOLLOW_UP, due), *escalation]
    window = max(due - complaint.round_started_at, timedelta(0))
    lead = min(window * DUE_SOON_SHARE, timedelta(minutes=settings.REMINDER_DUE_SOON_MAX_MINUTES))
    wanted = [_Wanted(ReminderKind.STEP_OVERDUE, complaint.stage, due)]
    if lead > timedelta(0) and due > now:
        wanted.insert(0, _Wanted(ReminderKind.STEP_DUE_SOON, complaint.stage, due - lead))
    return [*wanted, *escalation]


def customer_may_be_emailed(complaint: Complaint) -> bool:
    """Return True when the customer consented, has an address, and staff left this complaint's emails on."""
    customer = complaint.customer
    return bool(complaint.customer_emails_enabled and customer.consents_to_contact and customer.email)


def reminders_acknowledge(*, complaint: Complaint, now: datetime | None = None) -> None:
    """Owe the customer an acknowledgement of their newly logged complaint (if they may be emailed).

    Call it from `complaint_log`, in its transaction. One per complaint (unique on round 1, first step).
    """
    if not customer_may_be_emailed(complaint):
        return
    Reminder.objects.bulk_create(
        [
            Reminder(
                complaint=complaint,
                kind=ReminderKind.ACKNOWLEDGEMENT,
                round=1,
                step=Stage.APOLOGIZE,
                due_at=now or timezone.now(),
                recipient=None,
                recipient_email=complaint.customer.email,
            )
        ],
        ignore_conflicts=True,
    )


def reminders_notify(
    *, complaint: Complaint, event: ComplaintEvent, kind: str, recipient: Any, now: datetime | None = None
) -> None:
    """Owe `recipient` an email, due now, about one timeline event: the complaint was handed (`assigned`) or
    escalated to them, or its customer wrote (`customer_wrote`).

    Call it from the workflow function that wrote the hand-over's `event`, in its transaction. The row
    is claimed and sent like any reminder, so the email is never lost; one per event (a database
    rule), so it is never doubled. At send time it stands down if the complaint has changed hands again.
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"{kind!r} is not a notice about a timeline event")
    Reminder.objects.create(
        complaint=complaint,
        kind=kind,
        round=complaint.round,
        step=complaint.stage,
        due_at=now or timezone.now(),
        recipient=recipient,
        recipient_email=recipient.email or "",
        event=event,
    )


def _cancel_customer_emails(complaint: Complaint) -> None:
    """Cancel the customer's unsent emails when staff switched them off or the customer may not be emailed."""
    if customer_may_be_emailed(complaint):
        return
    Reminder.objects.filter(complaint=complaint, kind__in=CUSTOMER_KINDS, status__in=ACTIVE).update(
        status=ReminderStatus.CANCELLED, lease_expires_at=None
    )


def _schedule_survey(complaint: Complaint) -> None:
    """Owe the customer the follow-up survey on the follow-up day, once per round.

    Created when the complaint reaches its follow-up (if the customer may be emailed) and moved with
    the follow-up's due time while unsent. Recording the follow-up early does not cancel it: the
    customer's own answer is still wanted before the complaint is closed. Closing cancels it (a
    survey months later about a settled complaint would be odd), and reopening starts a round with a
    survey of its own (the earlier round's unsent one is cancelled in `reminders_reschedule`).
    """
    if complaint.stage == Stage.CLOSED:
        Reminder.objects.filter(complaint=complaint, kind=ReminderKind.CUSTOMER_SURVEY, status__in=ACTIVE).update(
            status=ReminderStatus.CANCELLED, lease_expires_at=None
        )
        return
    if complaint.stage != Stage.FOLLOW_UP or complaint.step_due_at is None or not customer_may_be_emailed(complaint):
        return
    key = {"complaint": complaint, "kind": ReminderKind.CUSTOMER_SURVEY, "round": complaint.round}
    row = Reminder.objects.select_for_update().filter(**key).first()
    if row is None:
        Reminder.objects.bulk_create(
            [
                Reminder(
                    **key,
                    step=Stage.FOLLOW_UP,
                    due_at=complaint.step_due_at,
                    recipient=None,
                    recipient_email=complaint.customer.email,
                )
            ],
            ignore_conflicts=True,
        )
    elif row.status == ReminderStatus.CANCELLED or (
        row.status == ReminderStatus.PENDING and row.due_at != complaint.step_due_at
    ):
        Reminder.objects.filter(pk=row.pk).update(
            status=ReminderStatus.PENDING, due_at=complaint.step_due_at, lease_expires_at=None
        )


def reminders_reschedule(*, complaint: Complaint, now: datetime | None = None) -> None:
    """Make the complaint's reminders match its state: cancel the moot ones, create or re-address the rest.

    Call it inside the workflow's transaction, with the complaint row locked, after the change is saved.
    A reminder that was already sent (or failed) is final: the same due event never emails twice.
    """
    now = now or timezone.now()
    _cancel_customer_emails(complaint)
    _schedule_survey(complaint)
    wanted = {(w.kind, w.step): w for w in _wanted(complaint, now=now)}
    existing = {
        (r.kind, r.step): r
        for r in Reminder.objects.select_for_update().filter(
            complaint=complaint, round=complaint.round, kind__in=STEP_KINDS
        )
    }

    # Reminders of earlier rounds, or of steps/kinds no longer wanted, are moot.
    moot = Q(complaint=complaint, status__in=ACTIVE, kind__in=(*STEP_KINDS, ReminderKind.CUSTOMER_SURVEY)) & ~Q(
        round=complaint.round
    )
    moot_keys = [r.pk for key, r in existing.items() if key not in wanted and r.status in ACTIVE]
    if moot_keys or complaint.round > 1:
        Reminder.objects.filter(moot | Q(pk__in=moot_keys)).update(
            status=ReminderStatus.CANCELLED, lease_expires_at=None
        )

    to_create: list[Reminder] = []
    for key, want in wanted.items():
        row = existing.get(key)
        # Escalations and inbox alerts name no one in advance: they go to whoever holds the role when sent.
        owner = None if want.kind in ROLE_ADDRESSED_KINDS else complaint.owner
        email = (owner.email or "") if owner is not None else ""
        if row is None:
            # A "due soon" whose moment has passed is skipped: the overdue one follows.
            if want.kind == ReminderKind.STEP_DUE_SOON and want.due_at <= now:
                continue
            to_create.append(
                Reminder(
                    complaint=complaint,
                    kind=want.kind,
                    round=complaint.round,
                    step=want.step,
                    due_at=want.due_at,
                    recipient=owner,
                    recipient_email=email,
                )
            )
            continue
        if row.status in (ReminderStatus.SENT, ReminderStatus.FAILED):
            continue
        if row.status == ReminderStatus.CANCELLED and want.kind == ReminderKind.STEP_DUE_SOON and want.due_at <= now:
            continue
        changes: dict[str, Any] = {}
        if row.due_at != want.due_at:
            changes["due_at"] = want.due_at
        if row.recipient_id != (owner.pk if owner is not None else None) or row.recipient_email != email:
            changes["recipient"] = owner
            changes["recipient_email"] = email
        if row.status == ReminderStatus.CANCELLED or (row.status == ReminderStatus.CLAIMED and want.due_at > now):
            # Revive it, or take back a claim on a reminder that is no longer due: the stale send stands down.
            changes.update(status=ReminderStatus.PENDING, lease_expires_at=None)
        if changes:
            Reminder.objects.filter(pk=row.pk).update(**changes)
    if to_create:
        # The complaint row is locked, so nobody else creates these; ignore_conflicts is a second guard
        # that the unique constraint, not this code, decides (one due event, one reminder).
        Reminder.objects.bulk_create(to_create, ignore_conflicts=True)


def reminders_send_again(*, ids: list[int], now: datetime | None = None) -> int:
    """Put failed reminders back in the queue, due now (an operator's choice after fixing the cause).

    Only failed rows: a sent one stays sent, so this never doubles an email. Returns how many.
    """
    return leases.send_again(Reminder.objects.filter(pk__in=ids), now=now or timezone.now())
