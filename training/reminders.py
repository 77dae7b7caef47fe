"""Which training reminders an assignment owes, and when: the one place that writes `TrainingReminder` rows.

The rule, in the local time zone (settings.TIME_ZONE), at `REMINDER_HOUR` o'clock so that people read
it at the start of a working day, whatever the daylight-saving offset:

- **due soon**: `DUE_SOON_DAYS` calendar days before `due_on`. Skipped when that moment has already
  passed when the assignment is made (whoever assigned it with so little time told the person), and
  cancelled instead of sent once `due_on` itself has passed (the overdue reminder says it then).
- **overdue**: the morning after `due_on`.

`reminders_schedule` is called whenever an assignment is created or its due date changes (in the same
transaction); `reminders_cancel` when an assignment is closed (the module passed). Sending is
`training/reminder_sending.py`, over the lease loop every email shares (`common.leases`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.leases import ACTIVE, LeaseStatus
from common.localtime import at_wall_time
from training.models import Assignment, TrainingReminder, TrainingReminderKind

DUE_SOON_DAYS = 3
REMINDER_HOUR = 9


def reminder_moment(due_on: date, kind: str) -> datetime:
    """Return when the reminder of `kind` for an assignment due on `due_on` goes out (UTC)."""
    if kind == TrainingReminderKind.DUE_SOON:
        day = due_on - timedelta(days=DUE_SOON_DAYS)
    else:
        day = due_on + timedelta(days=1)
    return at_wall_time(datetime.combine(day, time(REMINDER_HOUR)))


def due_soon_is_moot(due_on: date, now: datetime) -> bool:
    """A "due soon" reminder no longer makes sense once the due day is over."""
    return timezone.localdate(now) > due_on


@transaction.atomic
def reminders_schedule(assignment_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Owe the open assignments `assignment_ids` their reminders at the rule's times; return how many rows changed.

    Idempotent: run again with the same due dates, it changes nothing. A new due date moves a pending
    row, and brings back one already sent, failed or cancelled (a new date is a new promise); a row
    being sent right now is left to its task, which sees the new date (`reminder_deliver`).
    Call it in the transaction that creates the assignment or changes its due date.
    """
    now = now or timezone.now()
    assignments = list(
        Assignment.objects.filter(pk__in=list(assignment_ids), closed_at__isnull=True).only("pk", "user", "due_on")
    )
    if not assignments:
        return 0
    existing = {
        (row.assignment_id, row.kind): row
        for row in TrainingReminder.objects.select_for_update().filter(assignment__in=assignments)
    }
    new: list[TrainingReminder] = []
    changed: list[TrainingReminder] = []
    for assignment in assignments:
        for kind in TrainingReminderKind.values:
            at = reminder_moment(assignment.due_on, kind)
            wanted = kind == TrainingReminderKind.OVERDUE or at > now
            row = existing.get((assignment.pk, kind))
            if row is None:
                if wanted:
                    new.append(TrainingReminder(assignment=assignment, kind=kind, due_at=at, recipient=assignment.user))
                continue
            if row.due_at == at or row.status == LeaseStatus.CLAIMED:
                continue
            row.due_at = at
            if wanted:
                row.status, row.sent_at, row.last_error, row.lease_expires_at = LeaseStatus.PENDING, None, "", None
            elif row.status == LeaseStatus.PENDING:
                row.status = LeaseStatus.CANCELLED
            changed.append(row)
    # The unique (assignment, kind) settles a race with another scheduler: theirs stands.
    TrainingReminder.objects.bulk_create(new, ignore_conflicts=True)
    TrainingReminder.objects.bulk_update(changed, ["due_at", "status", "sent_at", "last_error", "lease_expires_at"])
    return len(new) + len(changed)


def reminders_cancel(assignments: Q) -> int:
    """Cancel the reminders not yet sent of the assignments matching `assignments` (passed or closed)."""
    return TrainingReminder.objects.filter(
        status__in=ACTIVE, assignment__in=Assignment.objects.filter(assignments)
    ).update(status=LeaseStatus.CANCELLED, lease_expires_at=None)
