"""Reminders: which emails a complaint owes, claiming the due ones, and delivering them.

The database is the source of truth. `reminders_reschedule` runs at the end of
every workflow change, in its transaction, and leaves exactly the reminders the
complaint's current state needs. The beat task calls `reminders_claim_due`,
which claims due rows with a lease and hands each to the send task after
commit; the send task calls `reminder_deliver`, which sends and marks the row
sent only while it still holds the claim. `attempts` is the claim token: every
claim and every retry bumps it, so a stale task (its lease taken over by a
later scan) finds a different number and stands down.

Nothing here imports Celery: the tasks in `recovery.tasks` are thin wrappers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from common import leases
from common.emails import email_message
from common.leases import ACTIVE
from common.urls import absolute_url
from recovery import roles, surveys
from recovery.models import (
    NOTICE_KINDS,
    STEPS,
    Complaint,
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Stage,
    format_reference,
)

logger = logging.getLogger(__name__)

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
    """Owe `recipient` an email, due now, saying the complaint was handed (`assigned`) or escalated to them.

    Call it from the workflow function that wrote the hand-over's `event`, in its transaction. The row
    is claimed and sent like any reminder, so the email is never lost; one per event (a database
    rule), so it is never doubled. At send time it stands down if the complaint has changed hands again.
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"{kind!r} is not a notice to a new owner")
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
        # Escalations name no one in advance: they go to whoever manages when they are sent.
        owner = None if want.kind == ReminderKind.ESCALATION else complaint.owner
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
    due = Q(status=ReminderStatus.PENDING, due_at__lte=now) | Q(
        status=ReminderStatus.CLAIMED, lease_expires_at__lte=now
    )
    leases.give_up_stuck(
        Reminder,
        now=now,
        mark_failed=lambda pk, attempt, error: reminder_mark_failed(reminder_id=pk, attempt=attempt, error=error),
    )
    return leases.claim(Reminder.objects.filter(due).order_by("due_at"), now=now, enqueue=enqueue, limit=batch_size)


# --- delivering ---------------------------------------------------------------------------------


# What each kind's subject says after "Complaint C-000123: " (common.emails.email_subject), from safe
# fields only: the step's label, never text a person typed.
SUBJECTS = {
    ReminderKind.STEP_DUE_SOON: "{step} is due soon",
    ReminderKind.STEP_OVERDUE: "{step} is overdue",
    ReminderKind.FOLLOW_UP_DUE: "the follow-up is due today",
    ReminderKind.ESCALATION: "{step} is still overdue, escalated to managers",
    ReminderKind.ACKNOWLEDGEMENT: "we have your complaint",
    ReminderKind.CUSTOMER_SURVEY: "how did we do?",
    ReminderKind.ASSIGNED: "handed to you",
    ReminderKind.ESCALATED: "escalated to you",
}
# Reminders owed to a complaint's owner; if the owner's account was switched off, the managers get them.
OWNER_KINDS = (ReminderKind.STEP_DUE_SOON, ReminderKind.STEP_OVERDUE, ReminderKind.FOLLOW_UP_DUE)
# The one line each email has saying why its reader gets it.
WHY_OWNER = "You get this because you own complaint {reference}."
WHY_MANAGERS = "You get this because you are a manager and complaint {reference} is still overdue."
WHY_CUSTOMER = "You get this because you agreed that we may contact you about your complaint {reference}."
WHY_OWNER_INACTIVE = (
    "You get this because you are a manager and {owner}, who owns complaint {reference}, is no longer active."
)
WHY_NOTICE = {
    ReminderKind.ASSIGNED: "You get this because complaint {reference} was handed to you.",
    ReminderKind.ESCALATED: "You get this because complaint {reference} was escalated to you.",
}


def _subject(reminder: Reminder, *, now: datetime) -> tuple[str, str]:
    """Return what the subject is about (the complaint) and what it says."""
    what = SUBJECTS[ReminderKind(reminder.kind)].format(step=Stage(reminder.step).label)
    was_due = _follow_up_was_due(reminder, now=now)
    if was_due is not None:
        what = f"the follow-up was due on {dateformat.format(was_due, 'D j M')}"
    if _owner_left(reminder):
        what += " (its owner is inactive)"
    return f"Complaint {format_reference(reminder.complaint_id)}", what


def _why(reminder: Reminder) -> str:
    if reminder.kind in CUSTOMER_KINDS:
        why = WHY_CUSTOMER
    elif reminder.kind == ReminderKind.ESCALATION:
        why = WHY_MANAGERS
    elif reminder.kind in NOTICE_KINDS:
        why = WHY_NOTICE[ReminderKind(reminder.kind)]
    elif _owner_left(reminder):
        why = WHY_OWNER_INACTIVE
    else:
        why = WHY_OWNER
    return why.format(reference=format_reference(reminder.complaint_id), owner=_person(reminder.recipient))


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username()) if user is not None else ""


def _owner_left(reminder: Reminder) -> bool:
    """Return True for an owner's reminder whose owner's account has been switched off since."""
    return bool(reminder.kind in OWNER_KINDS and reminder.recipient is not None and not reminder.recipient.is_active)


TEMPLATES = {
    ReminderKind.ESCALATION: "emails/escalation",
    ReminderKind.ACKNOWLEDGEMENT: "emails/acknowledgement",
    ReminderKind.CUSTOMER_SURVEY: "emails/survey",
    ReminderKind.ASSIGNED: "emails/new_owner",
    ReminderKind.ESCALATED: "emails/new_owner",
}


def _next_contact(complaint: Complaint, *, now: datetime) -> str:
    """Say when the customer hears from us next, never promising a time that has already passed.

    The apology's due time is the promise while it is ahead; once it has passed (a letter logged days
    after it arrived, or a worker that was down) the email says "as soon as possible" instead, and
    once the apology was made it promises no time at all.
    """
    if complaint.apologized_at is not None:
        return "the person looking after your complaint will stay in touch with you"
    due = complaint.step_due_at if complaint.stage == Stage.APOLOGIZE else None
    if due is None or due <= now:
        return "the person looking after your complaint will be in touch as soon as possible"
    local = timezone.localtime(due)
    if local.date() == timezone.localdate(now):
        when = f"by {dateformat.format(local, 'H:i')} today"
    else:
        when = f"by {dateformat.format(local, 'j F Y, H:i')}"
    return f"the person looking after your complaint will be in touch {when}"


def _follow_up_was_due(reminder: Reminder, *, now: datetime) -> datetime | None:
    """Return the follow-up's due time when its day is already over (the reminder is late), else None."""
    if reminder.kind != ReminderKind.FOLLOW_UP_DUE:
        return None
    due = timezone.localtime(reminder.due_at)
    return due if due.date() < timezone.localdate(now) else None


def _message(reminder: Reminder, to: list[str]) -> EmailMultiAlternatives:
    complaint = reminder.complaint
    now = timezone.now()
    context: dict[str, Any] = {
        "reminder": reminder,
        "complaint": complaint,
        "reference": complaint.reference,
        "step_label": Stage(reminder.step).label,
        "kind": reminder.kind,
        "due_at": timezone.localtime(reminder.due_at),
        # Managers standing in for an owner who left are greeted as a group.
        "recipient_name": "" if _owner_left(reminder) else _person(reminder.recipient),
        "owner_inactive": _owner_left(reminder),
        "owner_name": _person(complaint.owner),
        "url": absolute_url("complaint_detail", complaint.pk),
    }
    if reminder.kind == ReminderKind.ESCALATION:
        context["step_due_at"] = timezone.localtime(complaint.step_due_at) if complaint.step_due_at else None
        context["owner_inactive"] = not complaint.owner.is_active
    if reminder.kind == ReminderKind.ACKNOWLEDGEMENT:
        context["customer_name"] = complaint.customer.name
        context["next_contact"] = _next_contact(complaint, now=now)
    context["follow_up_was_due"] = _follow_up_was_due(reminder, now=now)
    if reminder.kind in NOTICE_KINDS and reminder.event is not None:
        payload = reminder.event.payload if isinstance(reminder.event.payload, dict) else {}
        actor = reminder.event.actor
        context["actor_name"] = (actor.get_full_name() or actor.get_username()) if actor else "CareDesk"
        context["previous_owner"] = str(payload.get("from", ""))
        context["reason"] = str(payload.get("reason", ""))
        context["stage_label"] = complaint.get_stage_display()
        context["step_due_at"] = timezone.localtime(complaint.step_due_at) if complaint.step_due_at else None
    if reminder.kind == ReminderKind.CUSTOMER_SURVEY:
        survey = surveys.survey_invite(complaint=complaint)
        context["customer_name"] = complaint.customer.name
        context["survey_url"] = absolute_url("survey", surveys.survey_token(survey))
        context["link_days"] = settings.SURVEY_LINK_DAYS
    about, what = _subject(reminder, now=now)
    return email_message(
        template=TEMPLATES.get(ReminderKind(reminder.kind), "emails/reminder"),
        context=context,
        about=about,
        what=what,
        why=_why(reminder),
        to=to,
        # Lets an operator (and the tests) tie a delivered email to its row, e.g. to spot a duplicate.
        headers={"X-CareDesk-Reminder": str(reminder.pk)},
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


def _auto_escalated_event(reminder: Reminder, *, to: str) -> None:
    """Mark the complaint escalated on its timeline; written with the escalation's final state, so once."""
    complaint = reminder.complaint
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=None,
        kind=EventKind.AUTO_ESCALATED,
        created_at=timezone.now(),
        stage_before=complaint.stage,
        stage_after=complaint.stage,
        payload={"reminder_id": reminder.pk, "step": reminder.step, "round": reminder.round, "to": to},
    )


def _still_theirs(reminder: Reminder) -> bool:
    """Return True when the notice's recipient still owns the complaint and is still active."""
    recipient = reminder.recipient
    return bool(recipient is not None and recipient.is_active and reminder.complaint.owner_id == recipient.pk)


def _addresses(reminder: Reminder) -> list[str]:
    """Return where this reminder goes, read from the database now."""
    if reminder.kind == ReminderKind.ESCALATION or _owner_left(reminder):
        emails = roles.managers().exclude(email="").values_list("email", flat=True)
        return sorted({str(e) for e in emails})
    if reminder.kind in CUSTOMER_KINDS:
        return [reminder.complaint.customer.email] if reminder.complaint.customer.email else []
    return [reminder.recipient_email] if reminder.recipient_email else []


def _overtaken(reminder: Reminder) -> bool:
    """Return True when the step a "due soon" reminder is about has already fallen due."""
    due = reminder.complaint.step_due_at
    return due is not None and due <= timezone.now()


def reminder_deliver(*, reminder_id: int, attempt: int) -> str:
    """Send one claimed reminder and mark it sent; return what happened.

    'stale' when the claim is no longer ours (cancelled, re-claimed, already sent, or the lease ran out);
    'sent' when delivered and recorded; 'failed' when it cannot be sent at all (no address).
    Raises leases.DeliveryError on SMTP or network trouble, for the task to retry.
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
    if reminder.kind in CUSTOMER_KINDS and not customer_may_be_emailed(reminder.complaint):
        # Consent withdrawn, address removed or emails switched off since it was scheduled.
        cancelled = leases.finish(Reminder, reminder_id, attempt, ReminderStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    if reminder.kind == ReminderKind.STEP_DUE_SOON and _overtaken(reminder):
        # The worker was down past the due time: "due soon" would now be false; the overdue reminder says it.
        cancelled = leases.finish(Reminder, reminder_id, attempt, ReminderStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    if reminder.kind in NOTICE_KINDS and not _still_theirs(reminder):
        # Handed on again (or its new owner left) before the email went out: the next notice says it.
        cancelled = leases.finish(Reminder, reminder_id, attempt, ReminderStatus.CANCELLED)
        return "cancelled" if cancelled else "stale"
    to = _addresses(reminder)
    if not to:
        error = (
            "No manager has an email address."
            if reminder.kind == ReminderKind.ESCALATION or _owner_left(reminder)
            else "The recipient has no email address."
        )
        return "failed" if reminder_mark_failed(reminder_id=reminder_id, attempt=attempt, error=error) else "stale"
    leases.send(_message(reminder, to))
    # Nothing between the server's acceptance and this UPDATE: the window for a duplicate stays tiny.
    with transaction.atomic():
        now = timezone.now()
        if not leases.finish(
            Reminder, reminder_id, attempt, ReminderStatus.SENT, sent_at=now, last_error="", sent_to=", ".join(to)
        ):
            logger.warning("Reminder %s was sent but its claim was taken meanwhile (attempt %s).", reminder_id, attempt)
            return "stale"
        _event(reminder, EventKind.REMINDER_SENT, to=", ".join(to))
        if reminder.kind == ReminderKind.CUSTOMER_SURVEY:
            surveys.survey_mark_sent(complaint=reminder.complaint, at=now)
        if reminder.kind == ReminderKind.ESCALATION:
            _auto_escalated_event(reminder, to=", ".join(to))
    return "sent"


@transaction.atomic
def reminder_mark_failed(*, reminder_id: int, attempt: int, error: str) -> bool:
    """Give up on a reminder, with the reason on the row and on the complaint's timeline."""
    if not leases.finish(Reminder, reminder_id, attempt, ReminderStatus.FAILED, last_error=error):
        return False
    reminder = Reminder.objects.select_related("complaint", "recipient").get(pk=reminder_id)
    to = "the managers" if reminder.kind == ReminderKind.ESCALATION or _owner_left(reminder) else None
    _event(reminder, EventKind.REMINDER_FAILED, to=to, error=error[: leases.ERROR_MAX])
    return True


def reminders_send_again(*, ids: list[int], now: datetime | None = None) -> int:
    """Put failed reminders back in the queue, due now (an operator's choice after fixing the cause).

    Only failed rows: a sent one stays sent, so this never doubles an email. Returns how many.
    """
    return Reminder.objects.filter(pk__in=ids, status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING, due_at=now or timezone.now(), lease_expires_at=None
    )
