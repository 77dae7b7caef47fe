"""Training's line in the managers' daily digest (registered with `recovery.digest.register_line`)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count

from common.urls import absolute_url
from recovery.digest import DigestLine
from training.models import Assignment

# Where the line links: the training matrix, where a manager sees who is overdue on what.
LINK_VIEW = "training:matrix"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def overdue_training_line(day: date, now: datetime) -> DigestLine:
    """ "Overdue training: N assignments, M people": open assignments of active people due before `day`.

    Overdue means what My training shows as overdue: still open, due on an earlier day. One query.
    """
    counts = Assignment.objects.filter(closed_at__isnull=True, due_on__lt=day, user__is_active=True).aggregate(
        assignments=Count("pk"), people=Count("user", distinct=True)
    )
    text = (
        f"Overdue training: {_plural(counts['assignments'], 'assignment', 'assignments')}, "
        f"{_plural(counts['people'], 'person', 'people')}"
    )
    return DigestLine(text=text, url=absolute_url(LINK_VIEW))
