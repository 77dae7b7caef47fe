"""The order of the five steps, and recording one of them.

`_complete_step` records a step as done (or not needed), moves the complaint to the next stage, times
it and writes the event; `_refuse_out_of_order` explains why a step cannot be done now. The public
step functions in `steps` check their own details and then call it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

# Aliased so the messages below keep their names; the rule itself is common.people.display_name.
from common.people import display_name as _display_name
from recovery import facts
from recovery.models import NOTE_MAX, STEPS, Complaint, EventKind, RecoveryAction, Stage, next_stage
from recovery.reminders import reminders_reschedule
from recovery.workflow.base import WorkflowError, _lock, _minutes, _record, _require, _save, _text
from recovery.workflow.timing import _policy, _time_step, _when


def _refuse_out_of_order(complaint: Complaint, step: Stage) -> None:
    """Explain why `step` cannot be done now."""
    if complaint.stage == step:
        return
    if complaint.stage == Stage.CLOSED:
        raise WorkflowError(f"{complaint.reference} is closed. Reopen it to record more steps.")
    done = (
        RecoveryAction.objects.filter(complaint=complaint, round=complaint.round, step=step)
        .select_related("done_by")
        .first()
    )
    if done is not None:
        verb = "marked not needed" if done.skipped else "recorded"
        when = timezone.localtime(done.done_at)
        raise WorkflowError(
            f"“{step.label}” was already {verb} by {_display_name(done.done_by)} at {when:%d %b %H:%M}. "
            f"The next step is “{complaint.get_stage_display()}”."
        )
    first_step = Stage(complaint.round_first_step)
    if STEPS.index(step) < STEPS.index(first_step):
        raise WorkflowError(
            f"{complaint.reference} was reopened at “{first_step.label}”, so “{step.label}” is not repeated "
            f"in this round. The next step is “{complaint.get_stage_display()}”."
        )
    if complaint.stage == Stage.CLOSE:
        raise WorkflowError(f"All five steps are done; {complaint.reference} is waiting to be closed.")
    raise WorkflowError(
        f"“{step.label}” cannot come yet: the steps go in order and the next one is “{complaint.get_stage_display()}”."
    )


def _last_action_time(complaint: Complaint) -> datetime:
    last = (
        RecoveryAction.objects.filter(complaint=complaint, round=complaint.round)
        .order_by("-done_at")
        .values_list("done_at", flat=True)
        .first()
    )
    if last is not None:
        return last
    # A back-dated complaint's first round starts when it was logged, but what was done between its
    # receipt and its logging (an apology on the phone) may still be recorded at its time.
    return complaint.received_at if complaint.round == 1 else complaint.round_started_at


def _complete_step(
    *,
    complaint: Complaint | int,
    user: Any,
    step: Stage,
    expected_version: int | None,
    done_at: datetime | None,
    minutes: Any,
    note: str,
    note_required: bool = False,
    note_label: str = "what you said or did",
    skipped: bool = False,
    skip_reason: str = "",
    check: Callable[[Complaint], None] | None = None,
    **details: Any,
) -> Complaint:
    """Record one step as done (or not needed) and move the complaint on.

    `check(complaint)` is the step's own rule about this person (the atonement's empowerment limit): it runs
    once access and order are confirmed, so someone who may not act hears that first.
    """
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "skip" if skipped else "step")
    _refuse_out_of_order(locked, step)
    if check is not None:
        check(locked)
    clean_note = _text(note, field="note", label=note_label, max_length=NOTE_MAX, required=note_required)
    minutes_spent = _minutes(minutes)
    when = _when(done_at, not_before=_last_action_time(locked))

    action = RecoveryAction(
        complaint=locked,
        round=locked.round,
        step=step,
        done_by=user,
        done_at=when,
        due_at=locked.step_due_at,  # the step's due time as it stood (the stage is `step`, checked above)
        note=clean_note,
        minutes_spent=minutes_spent,
        skipped=skipped,
        skip_reason=skip_reason,
        **details,
    )
    try:
        action.full_clean(exclude=["complaint", "done_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise WorkflowError.from_validation_error(exc) from None
    action.save()

    stage_before = locked.stage
    policy = _policy(locked.severity)
    locked.stage = next_stage(step)
    fields = ["stage", *_time_step(locked, policy, atoned_at=when), *facts.record_step(locked, action)]
    if step == Stage.FOLLOW_UP:
        locked.satisfaction = action.satisfaction
        fields.append("satisfaction")
    _save(locked, *fields)

    payload: dict[str, Any] = {"step": step.value, "action_id": action.pk, "done_at": when.isoformat()}
    if minutes_spent:
        payload["minutes"] = minutes_spent
    if skipped:
        payload["reason"] = skip_reason
    _record(
        locked,
        actor=user,
        kind=EventKind.STEP_SKIPPED if skipped else EventKind.STEP_DONE,
        stage_before=stage_before,
        payload=payload,
    )
    reminders_reschedule(complaint=locked)
    return locked
