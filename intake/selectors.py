"""Reads for intake: the inbox, scoped like every complaint read (recovery.selectors.complaints_visible_to)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts import roles
from intake.models import RefusedSubmission
from recovery.models import OPEN_STAGES, Complaint, Severity
from recovery.selectors import complaints_visible_to

# Most severe first: the order the inbox lists complaints in, before the newest.
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


def _unowned(user: Any) -> QuerySet[Complaint]:
    # The inbox index (complaint_inbox_idx) holds exactly these rows.
    return complaints_visible_to(user).filter(owner__isnull=True, stage__in=OPEN_STAGES)


def inbox_for(user: Any) -> QuerySet[Complaint]:
    """Return the complaints nobody has taken that the user may see: most severe first, then the newest.

    Employees' complaints stay confidential here too: only managers see those before someone owns them.
    """
    rank = Case(
        *(When(severity=severity, then=Value(position)) for severity, position in SEVERITY_RANK.items()),
        output_field=IntegerField(),
    )
    return _unowned(user).annotate(severity_rank=rank).order_by("severity_rank", "-received_at", "-pk")


def inbox_count(user: Any) -> int:
    """Return how many complaints wait in the user's inbox (the menu's badge); 0 for those without a role."""
    if not roles.can_work(user):
        return 0
    return _unowned(user).order_by().count()


def refused_lately(*, days: int = 7) -> int:
    """Return how many public-form submissions were refused as spam or abuse in the last `days` days."""
    since = timezone.localdate() - timedelta(days=days - 1)
    total = RefusedSubmission.objects.filter(day__gte=since).aggregate(total=Sum("count"))["total"]
    return int(total or 0)
