"""Logging a new complaint: its first step, the apology, falls due from when it is logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import roles

# Aliased so the messages below keep their names; the rule itself is common.people.display_name.
from common.people import display_name as _display_name
from customers.models import Customer
from recovery.models import (
    DESCRIPTION_MAX,
    REMEDY_MAX,
    SUMMARY_MAX,
    Category,
    Channel,
    Complaint,
    EventKind,
    Severity,
    Stage,
)
from recovery.reminders import reminders_acknowledge, reminders_reschedule
from recovery.workflow.base import WorkflowError, _check_not_own_complaint, _check_staff_target, _record, _text
from recovery.workflow.timing import CLOCK_SKEW, _policy, _time_step


def _new_complaint(
    *, texts: tuple[str, str, str], remedy_label: str, severity: str, round_started_at: datetime, **fields: Any
) -> Complaint:
    """Store a complaint at its first step, its typed texts checked and its apology timed from the round's start.

    What logging and receiving share; `texts` are the summary, description and remedy as typed.
    """
    summary, description, desired_remedy = texts
    complaint = Complaint(
        **fields,
        severity=severity,
        summary=_text(
            summary, field="summary", label="a short summary", max_length=SUMMARY_MAX, required=True, one_line=True
        ),
        description=_text(description, field="description", label="the description", max_length=DESCRIPTION_MAX),
        desired_remedy=_text(desired_remedy, field="desired_remedy", label=remedy_label, max_length=REMEDY_MAX),
        stage=Stage.APOLOGIZE,
        round=1,
        round_started_at=round_started_at,
        round_first_step=Stage.APOLOGIZE,
    )
    _time_step(complaint, _policy(severity))
    complaint.save()
    return complaint


@transaction.atomic
def complaint_log(
    *,
    user: Any,
    customer: Customer,
    channel: str,
    category: Category,
    severity: str,
    summary: str,
    description: str = "",
    desired_remedy: str = "",
    received_at: datetime | None = None,
    owner: Any = None,
) -> Complaint:
    """Log a new complaint; the apology is due per the severity's policy, counted from now."""
    if not roles.can_work(user):
        raise WorkflowError("You do not have permission to log complaints.")
    if customer is None or customer.pk is None:
        raise WorkflowError("Choose the customer, or add them first.", field="customer")
    if customer.is_erased:
        raise WorkflowError(
            "This customer's personal data was erased: add the person as a new customer.", field="customer"
        )
    if channel not in Channel.values:
        raise WorkflowError("Choose how the complaint reached us.", field="channel")
    if severity not in Severity.values:
        raise WorkflowError("Choose a severity.", field="severity")
    if not isinstance(category, Category) or not category.is_active:
        raise WorkflowError("Choose an active category.", field="category")
    owner = owner or user
    _check_staff_target(owner, field="owner")
    _check_not_own_complaint(customer, owner, field="owner")

    now = timezone.now()
    received = received_at or now
    if not isinstance(received, datetime):
        raise WorkflowError("Give the date and time the complaint was received.", field="received_at")
    if timezone.is_naive(received):
        raise WorkflowError("Give the time with its time zone.", field="received_at")
    if received > now + CLOCK_SKEW:
        raise WorkflowError("The time received cannot be in the future.", field="received_at")
    # Due times count from when the complaint is logged, not from when it was received: a letter that
    # lay a week in the post is not a week overdue (nor escalated) the moment someone logs it, and the
    # customer is never promised a time already past. `received_at` stays the receipt, so reports still
    # measure how long the customer waited.
    started = max(received, now)

    complaint = _new_complaint(
        texts=(summary, description, desired_remedy),
        remedy_label="the remedy the customer wants",
        customer=customer,
        channel=channel,
        category=category,
        severity=severity,
        received_at=received,
        round_started_at=started,
        logged_by=user,
        owner=owner,
    )
    _record(
        complaint,
        actor=user,
        kind=EventKind.LOGGED,
        payload={"owner_id": owner.pk, "owner": _display_name(owner), "received_at": received.isoformat()},
    )
    reminders_reschedule(complaint=complaint)
    reminders_acknowledge(complaint=complaint, now=now)
    return complaint


# The channels a customer reaches us by without a member of staff (intake/): their complaints land in the inbox.
SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.EMAIL)


@transaction.atomic
def complaint_receive(
    *,
    customer: Customer,
    channel: str,
    category: Category,
    severity: str,
    summary: str,
    description: str = "",
    desired_remedy: str = "",
    received_at: datetime | None = None,
    customer_emails: bool = True,
    details: dict[str, Any] | None = None,
) -> Complaint:
    """Store a complaint the customer filed themselves (the public form, an email), unowned, in the inbox.

    Nobody logged it and nobody owns it yet: front-line staff take it from the inbox (`complaint_take`).
    The category and severity are the inbox's suggestion until then. The apology is due from when it
    arrived, as the customer has been waiting since; the front line is warned when it stays unowned
    (`recovery.reminders`), and the customer is acknowledged as for any complaint. `details` goes on
    the `logged` event (how it arrived, what was suggested and why). `customer_emails` off: the
    customer did not agree to be contacted about it, so it sends them nothing.
    """
    if customer is None or customer.pk is None or customer.is_erased:
        raise WorkflowError("The complaint has no customer.", field="customer")
    if channel not in SELF_SERVICE_CHANNELS:
        raise WorkflowError("A complaint reaches the inbox by the web form or by email.", field="channel")
    if severity not in Severity.values:
        raise WorkflowError("Choose a severity.", field="severity")
    if not isinstance(category, Category) or not category.is_active:
        raise WorkflowError("Choose an active category.", field="category")
    now = timezone.now()
    received = min(received_at or now, now)
    complaint = _new_complaint(
        texts=(summary, description, desired_remedy),
        remedy_label="what you would like us to do",
        customer=customer,
        channel=channel,
        category=category,
        severity=severity,
        received_at=received,
        round_started_at=received,
        logged_by=None,
        owner=None,
        customer_emails_enabled=customer_emails,
    )
    _record(
        complaint,
        actor=None,
        kind=EventKind.LOGGED,
        payload={"owner_id": None, "owner": "", "received_at": received.isoformat(), **(details or {})},
        at=received,  # the timeline starts when the customer sent it, as its due times do
    )
    reminders_reschedule(complaint=complaint)
    reminders_acknowledge(complaint=complaint, now=now)
    return complaint
