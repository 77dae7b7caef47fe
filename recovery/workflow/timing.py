"""When a step falls due, and when something happened.

`_time_step` is the one place a step is timed, from the severity's policy; `_when` checks a time
someone gives (never in the future, allowing for `CLOCK_SKEW`, never before the step could start).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from recovery.models import Complaint, RecoveryPolicy
from recovery.workflow.base import WorkflowError

# Clocks drift; a time a few minutes ahead of ours is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


def _policy(severity: str) -> RecoveryPolicy:
    try:
        return RecoveryPolicy.objects.get(severity=severity)
    except RecoveryPolicy.DoesNotExist:
        raise WorkflowError(
            f"There is no recovery policy for {severity} complaints; ask an administrator to add one.",
            field="severity",
        ) from None


def _time_step(complaint: Complaint, policy: RecoveryPolicy, *, atoned_at: datetime | None = None) -> list[str]:
    """Give the complaint's current step its due and escalation times from `policy`; return the fields set.

    The one place a step is timed: when it starts (logging, the step before it done, reopening) or when
    the severity changes. A later change of the policy leaves a started step's times alone (models.
    POLICY_CHANGE_RULE): nothing else, an unrelated edit or a reassignment included, re-reads the policy.
    """
    complaint.step_due_at = policy.due_at(
        complaint.stage, round_started_at=complaint.round_started_at, atoned_at=atoned_at
    )
    complaint.step_escalates_at = policy.escalates_at(complaint.step_due_at)
    return ["step_due_at", "step_escalates_at"]


def _when(done_at: datetime | None, *, not_before: datetime, field: str = "done_at") -> datetime:
    """Return when something happened: now by default, never in the future or too early."""
    now = timezone.now()
    if done_at is None:
        return max(now, not_before)
    if not isinstance(done_at, datetime):
        raise WorkflowError("Give the date and time it happened.", field=field)
    if timezone.is_naive(done_at):
        raise WorkflowError("Give the time with its time zone.", field=field)
    if done_at > now + CLOCK_SKEW:
        raise WorkflowError("That time is in the future.", field=field)
    if done_at < not_before:
        local = timezone.localtime(not_before)
        raise WorkflowError(f"That time is before {local:%d %b %Y %H:%M}, when this step became possible.", field=field)
    return done_at


def _local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y, %H:%M}" if moment is not None else "—"
