"""Closing a complaint after its follow-up, and reopening it at the step that failed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from recovery.models import NOTE_MAX, REASON_MAX, STEPS, Complaint, EventKind, Outcome, RecoveryAction, Stage
from recovery.reminders import reminders_reschedule
from recovery.workflow.base import WorkflowError, _lock, _record, _require, _save, _text
from recovery.workflow.timing import _policy, _time_step


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint | int,
    user: Any,
    outcome: str | None = None,
    root_cause: str | None = None,
    corrective_action: str | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Close the complaint after its follow-up, with the outcome (retained or lost)."""
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "close")
    if locked.stage == Stage.CLOSED:
        raise WorkflowError(f"{locked.reference} is already closed.")
    if locked.stage != Stage.CLOSE:
        raise WorkflowError(
            f"{locked.reference} cannot be closed before its follow-up; "
            f"the next step is “{locked.get_stage_display()}”."
        )
    follow_up = RecoveryAction.objects.get(complaint=locked, round=locked.round, step=Stage.FOLLOW_UP)
    if outcome in (None, ""):
        outcome = Outcome.RETAINED if follow_up.retained else Outcome.LOST
    if outcome not in Outcome.values:
        raise WorkflowError("Choose the outcome: retained or lost.", field="outcome")
    fields = ["stage", "step_due_at", "step_escalates_at", "outcome", "closed_at"]
    if root_cause is not None:
        locked.root_cause = _text(root_cause, field="root_cause", label="the root cause", max_length=NOTE_MAX)
        fields.append("root_cause")
    if corrective_action is not None:
        locked.corrective_action = _text(
            corrective_action, field="corrective_action", label="the corrective action", max_length=NOTE_MAX
        )
        fields.append("corrective_action")
    locked.stage = Stage.CLOSED
    locked.step_due_at = None
    locked.step_escalates_at = None
    locked.outcome = outcome
    # A follow-up may be dated a few minutes ahead (clock skew); the close cannot come before it.
    locked.closed_at = max(timezone.now(), follow_up.done_at)
    _save(locked, *fields)
    _record(locked, actor=user, kind=EventKind.CLOSED, stage_before=Stage.CLOSE, payload={"outcome": outcome})
    reminders_reschedule(complaint=locked)
    return locked


@transaction.atomic
def complaint_reopen(
    *,
    complaint: Complaint | int,
    user: Any,
    to_step: str,
    reason: str,
    expected_version: int | None = None,
) -> Complaint:
    """Reopen a closed complaint at the step that failed; earlier rounds stay in the history."""
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "reopen")
    if locked.stage != Stage.CLOSED:
        raise WorkflowError(f"{locked.reference} is still open; only a closed complaint can be reopened.")
    if to_step not in STEPS:
        raise WorkflowError("Choose the step that failed, from apologize to follow up.", field="to_step")
    clean_reason = _text(reason, field="reason", label="why it is reopened", max_length=REASON_MAX, required=True)
    # Likewise the new round cannot start before the close it undoes.
    now = max(timezone.now(), locked.closed_at or timezone.now())
    previous_outcome = locked.outcome
    locked.round += 1
    locked.round_started_at = now
    locked.round_first_step = to_step
    locked.stage = to_step
    timed = _time_step(locked, _policy(locked.severity), atoned_at=now)
    locked.outcome = ""
    locked.satisfaction = None
    locked.closed_at = None
    _save(
        locked,
        "round",
        "round_started_at",
        "round_first_step",
        "stage",
        *timed,
        "outcome",
        "satisfaction",
        "closed_at",
    )
    _record(
        locked,
        actor=user,
        kind=EventKind.REOPENED,
        stage_before=Stage.CLOSED,
        payload={
            "to_step": to_step,
            "reason": clean_reason,
            "round": locked.round,
            "previous_outcome": previous_outcome,
        },
    )
    reminders_reschedule(complaint=locked)
    return locked
