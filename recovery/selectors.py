"""Reads of complaints, always scoped to what the user may see.

Lists, searches, exports and detail pages all start from
`complaints_visible_to`, so they can never disagree about who sees what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from customers.models import CustomerGroup
from recovery import roles
from recovery.models import OPEN_STAGES, STEPS, Complaint, ComplaintEvent, RecoveryAction


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """Return the complaints the user may see: none, all, or all but other people's employee complaints."""
    if not roles.can_work(user):
        return Complaint.objects.none()
    complaints = Complaint.objects.select_related("customer", "category", "owner")
    if roles.is_manager(user):
        return complaints
    return complaints.filter(~Q(customer__group=CustomerGroup.EMPLOYEE) | Q(owner=user))


def get_complaint_for(user: Any, pk: int) -> Complaint:
    """Return complaint `pk` if the user may see it; 404 otherwise, so hidden ones look absent."""
    try:
        return (
            complaints_visible_to(user).select_related("logged_by", "escalated_to", "customer__organization").get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise Http404("No such complaint.") from None


def my_queue(user: Any) -> QuerySet[Complaint]:
    """Return the user's open complaints, the most urgent step first."""
    return (
        complaints_visible_to(user)
        .filter(owner=user, stage__in=OPEN_STAGES)
        .order_by("step_due_at", "received_at", "pk")
    )


def overdue_steps(now: datetime) -> QuerySet[Complaint]:
    """Return open complaints whose current step is past its due time (all users; for reminders)."""
    return Complaint.objects.filter(stage__in=STEPS, step_due_at__lt=now).order_by("step_due_at")


def complaint_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """Return the complaint's events, oldest first, with who did them."""
    return complaint.events.select_related("actor").order_by("created_at", "pk")


def complaint_actions(complaint: Complaint) -> QuerySet[RecoveryAction]:
    """Return every recorded step of every round, in order."""
    return complaint.actions.select_related("done_by").order_by("round", "done_at", "pk")
