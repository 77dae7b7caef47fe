"""Changes that leave the steps alone: notes, corrected details and the customer emails switch."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from recovery.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    REMEDY_MAX,
    STEPS,
    SUMMARY_MAX,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    RecoveryAction,
    ReminderKind,
    Severity,
    Stage,
)
from recovery.reminders import reminders_notify, reminders_reschedule
from recovery.workflow.base import WorkflowError, _lock, _record, _require, _save, _text
from recovery.workflow.timing import _local_time, _policy, _time_step

EDITABLE_FIELDS = (
    "channel",
    "category",
    "severity",
    "summary",
    "description",
    "desired_remedy",
    "root_cause",
    "corrective_action",
)


@transaction.atomic
def complaint_add_note(*, complaint: Complaint | int, user: Any, text: str) -> ComplaintEvent:
    """Add a note (a clarification) to the timeline; it does not change the complaint's state."""
    locked = _lock(complaint, user=user, expected_version=None)
    _require(user, locked, "note")
    clean = _text(text, field="text", label="the note", max_length=NOTE_MAX, required=True)
    # A note changes no state, so the version stays: other people's open forms remain valid.
    return _record(locked, actor=user, kind=EventKind.NOTE, stage_before=locked.stage, payload={"text": clean})


@transaction.atomic
def complaint_edit(
    *,
    complaint: Complaint | int,
    user: Any,
    expected_version: int | None = None,
    **changes: Any,
) -> Complaint:
    """Correct a complaint's details; a change of severity moves the current step's due time."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(f"These details cannot be edited: {', '.join(sorted(unknown))}.")
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "edit")

    limits = {
        "summary": SUMMARY_MAX,
        "description": DESCRIPTION_MAX,
        "desired_remedy": REMEDY_MAX,
        "root_cause": NOTE_MAX,
        "corrective_action": NOTE_MAX,
    }
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field in limits:
            cleaned[field] = _text(
                value,
                field=field,
                label=f"the {field.replace('_', ' ')}",
                max_length=limits[field],
                required=field == "summary",
                one_line=field == "summary",
            )
        elif field == "channel" and value not in Channel.values:
            raise WorkflowError("Choose how the complaint reached us.", field="channel")
        elif field == "severity" and value not in Severity.values:
            raise WorkflowError("Choose a severity.", field="severity")
        elif field == "category" and (
            # An inactive category is only kept off new choices; a complaint already in it may stay there.
            not isinstance(value, Category) or not (value.is_active or value.pk == locked.category_id)
        ):
            raise WorkflowError("Choose an active category.", field="category")
        else:
            cleaned[field] = value

    diff: dict[str, list[Any]] = {}
    for field, value in cleaned.items():
        old = getattr(locked, field)
        if old != value:
            diff[field] = [str(old), str(value)]
            setattr(locked, field, value)
    if not diff:
        return locked

    fields = list(diff)
    if "severity" in diff and locked.stage in STEPS:
        atoned_at = (
            RecoveryAction.objects.filter(complaint=locked, round=locked.round, step=Stage.ATONE)
            .values_list("done_at", flat=True)
            .first()
        )
        # The severity is the assessment the targets hang on: re-time the current step under the new
        # severity's policy, and say so on the timeline, so the due time never moves unseen.
        due_before = locked.step_due_at
        fields += _time_step(locked, _policy(locked.severity), atoned_at=atoned_at)
        if locked.step_due_at != due_before:
            diff["step_due_at"] = [_local_time(due_before), _local_time(locked.step_due_at)]
    _save(locked, *fields)
    _record(locked, actor=user, kind=EventKind.EDITED, stage_before=locked.stage, payload={"changes": diff})
    reminders_reschedule(complaint=locked)
    return locked


@transaction.atomic
def complaint_set_customer_emails(
    *, complaint: Complaint | int, user: Any, enabled: bool, expected_version: int | None = None
) -> Complaint:
    """Switch the emails to this complaint's customer on or off (owner or manager); off cancels unsent ones.

    Refused on a closed complaint: closing cancelled what was still owed and nothing more is sent, so
    the switch would change nothing. Reopening starts a round in which it applies again.
    """
    if not isinstance(enabled, bool):
        raise WorkflowError("Choose whether to email the customer.", field="customer_emails_enabled")
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "emails")
    if locked.stage == Stage.CLOSED:
        raise WorkflowError(
            f"{locked.reference} is closed, so CareDesk sends its customer no more emails about it; "
            "if it is reopened, the switch applies again."
        )
    if locked.customer_emails_enabled == enabled:
        return locked
    locked.customer_emails_enabled = enabled
    _save(locked, "customer_emails_enabled")
    _record(
        locked,
        actor=user,
        kind=EventKind.EDITED,
        stage_before=locked.stage,
        payload={"changes": {"customer_emails_enabled": [str(not enabled), str(enabled)]}},
    )
    reminders_reschedule(complaint=locked)
    return locked


# How the customer's later messages reach a complaint (intake/): a reply by email, or the status page's box.
CUSTOMER_MESSAGE_VIA = ("email", "status_page")


@transaction.atomic
def complaint_customer_wrote(
    *,
    complaint: Complaint | int,
    text: str,
    via: str,
    details: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """Put what the customer wrote later (a reply, a message from the status page) on the timeline.

    No member of staff acts, so there is no access check: the caller has established that the message
    belongs to this complaint (a signed link, a reply to our email). The owner is told by email; a
    complaint still in the inbox has nobody to tell, and the message waits on its timeline. It changes
    no state, so the version stays and nobody's open form goes stale.
    """
    if via not in CUSTOMER_MESSAGE_VIA:
        raise WorkflowError("Unknown way for a customer's message to arrive.")
    pk = complaint if isinstance(complaint, int) else complaint.pk
    # Lock the row alone (as `_lock` does), then read it with its owner.
    if not list(Complaint.objects.select_for_update().filter(pk=pk).values_list("pk")):
        raise WorkflowError("This complaint does not exist.")
    locked = Complaint.objects.select_related("owner").get(pk=pk)
    clean = _text(text, field="text", label="your message", max_length=DESCRIPTION_MAX, required=True)
    event = _record(
        locked,
        actor=None,
        kind=EventKind.CUSTOMER_WROTE,
        stage_before=locked.stage,
        payload={"text": clean, "via": via, **(details or {})},
    )
    if locked.owner is not None and locked.owner.is_active:
        reminders_notify(complaint=locked, event=event, kind=ReminderKind.CUSTOMER_WROTE, recipient=locked.owner)
    return event
