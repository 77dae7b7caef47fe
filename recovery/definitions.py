"""What the words mean: "repeat", "open at", "overdue", "escalated", the root cause as grouped.

Each word that a page, a filter, a figure or an email uses about complaints is defined here once,
as the condition a query filters or counts with. The complaint list's filters (recovery.filters),
the dashboard (recovery.dashboard), the digest (recovery.digest), the complaint page and the
customer pages all ask this module, so a figure, its link and a badge can never count different
complaints.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Trim

from recovery.models import OPEN_STAGES, Complaint

# Another complaint from the same customer received this long before one makes it a repeat complaint.
REPEAT_WINDOW = timedelta(days=90)


def is_repeat() -> Exists:
    """Return "the customer had another complaint received in the REPEAT_WINDOW before this one".

    An EXISTS per row that the index on (customer, received_at) answers with one probe.
    """
    earlier = Complaint.objects.filter(
        customer_id=OuterRef("customer_id"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
    )
    return Exists(earlier)


def open_at(moment: datetime) -> Q:
    """Return "received before `moment` and not closed before it" (a reopened complaint counts from receipt)."""
    return Q(received_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def overdue(now: datetime) -> Q:
    """Return "open, and its current step is past its due time at `now`"."""
    return Q(stage__in=OPEN_STAGES, step_due_at__lt=now)


def escalated() -> Q:
    """Return "escalated to a manager" (see Complaint.is_escalated)."""
    return Q(escalated_at__isnull=False)


def normalised_cause() -> Lower:
    """Return the root cause as compared and grouped: lower-cased, without outer spaces."""
    return Lower(Trim("root_cause"))
