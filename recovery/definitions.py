"""What the words mean: "repeat", "open at", "overdue", "escalated", the root cause as grouped.

Each word that a page, a filter, a figure or an email uses about complaints is defined here once,
as the condition a query filters or counts with. The complaint list's filters (recovery.filters),
the dashboard (recovery.dashboard), the digest (recovery.digest), the complaint page and the
customer pages all ask this module, so a figure, its link and a badge can never count different
complaints.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Trim

from recovery.models import OPEN_STAGES, Complaint

# Another complaint from the same customer received this long before one makes it a repeat complaint.
REPEAT_WINDOW = timedelta(days=90)


def _earlier_from_same_customer(customer_id: Any, received_at: Any) -> Q:
    """The other complaints whose receipt makes one received at `received_at` a repeat complaint."""
    return Q(customer_id=customer_id, received_at__lt=received_at, received_at__gte=received_at - REPEAT_WINDOW)


def is_repeat() -> Exists:
    """Return "the customer had another complaint received in the REPEAT_WINDOW before this one".

    This is what "repeat complaint" means everywhere: the dashboard's repeat rate, the list's filter,
    the complaint page's flag and the customer pages' count. Only earlier complaints count, so a
    complaint does not become a repeat when the customer complains again later. All the customer's
    complaints count, whoever may see them, as the dashboard counts them. An EXISTS per row that the
    index on (customer, received_at) answers with one probe.
    """
    earlier = Complaint.objects.filter(_earlier_from_same_customer(OuterRef("customer_id"), OuterRef("received_at")))
    return Exists(earlier)


def complaint_is_repeat(complaint: Complaint) -> bool:
    """Return True when `complaint` is a repeat complaint (`is_repeat`, for one complaint: one query)."""
    earlier = _earlier_from_same_customer(complaint.customer_id, complaint.received_at)
    return Complaint.objects.filter(earlier).exclude(pk=complaint.pk).exists()


def open_at(moment: datetime) -> Q:
    """Return "received before `moment` and not closed before it" (a reopened complaint counts from receipt)."""
    return Q(received_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def overdue(now: datetime) -> Q:
    """Return "open, and its current step is past its due time at `now`"."""
    return Q(stage__in=OPEN_STAGES, step_due_at__lt=now)


def escalated_automatically(now: datetime) -> Q:
    """Return "the current step is overdue past the escalation grace at `now`" (one way to be `escalated`)."""
    return Q(step_escalates_at__lte=now)


def escalated(now: datetime) -> Q:
    """Return "escalated" at `now`: open, and escalated by a person or overdue past the escalation grace.

    This is what "escalated" means everywhere: the badge on the list and the complaint page, the
    list's filter, the dashboard's "Escalated, open", and the digest's count and its link. Escalated
    by a person: handed to a manager with a reason (`escalated_at`, ended by any reassignment).
    Overdue past the grace: the current step is still not done at `step_escalates_at` (its due time
    plus the policy's grace), when managers are alerted automatically; it stops when the step is
    done, as the next step gets its own time. Read from the complaint's own fields, so it holds
    whether or not the alert email has gone out yet. A closed complaint is never escalated.
    `complaint_is_escalated` is the same rule for one complaint in Python.
    """
    return Q(stage__in=OPEN_STAGES) & (Q(escalated_at__isnull=False) | escalated_automatically(now))


def complaint_is_escalated(complaint: Complaint, now: datetime) -> bool:
    """Return True when `complaint` is escalated at `now` (`escalated`, without a query)."""
    if complaint.stage not in OPEN_STAGES:
        return False
    return complaint.escalated_at is not None or (
        complaint.step_escalates_at is not None and complaint.step_escalates_at <= now
    )


def normalised_cause() -> Lower:
    """Return the root cause as compared and grouped: lower-cased, without outer spaces."""
    return Lower(Trim("root_cause"))
