"""Who holds a complaint: reassigning it, handing over a colleague's complaints, escalating it.

Every reassignment follows `_reassign`'s rules: its event, the reminders re-addressed, a notice to the
new owner, an escalation ended.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles

# Aliased so the messages below keep their names; the rule itself is common.people.display_name.
from common.people import display_name as _display_name
from recovery import permissions
from recovery.models import REASON_MAX, Category, Complaint, EventKind, ReminderKind, Severity, Stage, format_reference
from recovery.reminders import reminders_notify, reminders_reschedule
from recovery.workflow.base import (
    NOT_FOUND,
    StaleComplaintError,
    WorkflowError,
    _check_not_own_complaint,
    _check_staff_target,
    _lock,
    _record,
    _require,
    _save,
    _text,
)
from recovery.workflow.timing import _policy, _time_step


def _reassign(locked: Complaint, *, user: Any, to: Any, payload: dict[str, Any] | None = None) -> Complaint:
    """Give a locked complaint to `to` by the rules every reassignment follows, and tell them.

    Writes the `assigned` event, re-addresses the reminders and owes `to` an email (unless they took
    it themselves). A complaint is escalated only while it is with the manager it was escalated to,
    so handing it on ends its escalation; the timeline keeps the escalation and says it ended.
    """
    if locked.stage == Stage.CLOSED:
        raise WorkflowError(f"{locked.reference} is closed; reopen it before reassigning.")
    _check_staff_target(to, field="to")
    if to.pk == locked.owner_id:
        raise WorkflowError(f"{_display_name(to)} already owns {locked.reference}.", field="to")
    _check_not_own_complaint(locked.customer, to, field="to")
    previous = locked.owner
    details: dict[str, Any] = {
        "from_id": previous.pk if previous is not None else None,
        "from": _display_name(previous) if previous is not None else "the inbox",
        "to_id": to.pk,
        "to": _display_name(to),
        **(payload or {}),
    }
    fields = ["owner"]
    if locked.escalated_to is not None:
        details["escalation_ended"] = {"to_id": locked.escalated_to.pk, "to": _display_name(locked.escalated_to)}
        locked.escalated_to = None
        locked.escalated_at = None
        locked.escalation_reason = ""
        fields += ["escalated_to", "escalated_at", "escalation_reason"]
    locked.owner = to
    _save(locked, *fields)
    event = _record(locked, actor=user, kind=EventKind.ASSIGNED, stage_before=locked.stage, payload=details)
    reminders_reschedule(complaint=locked)
    if to.pk != user.pk:
        reminders_notify(complaint=locked, event=event, kind=ReminderKind.ASSIGNED, recipient=to)
    return locked


@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint | int,
    user: Any,
    to: Any,
    expected_version: int | None = None,
) -> Complaint:
    """Give the complaint to another handler; front-line staff may only hand over their own, and the
    colleague who complained (even a manager) none."""
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "assign")
    return _reassign(locked, user=user, to=to)


@transaction.atomic
def complaint_take(
    *,
    complaint: Complaint | int,
    user: Any,
    category: Category,
    severity: str,
    to: Any = None,
    expected_version: int | None = None,
) -> Complaint:
    """Take a complaint from the inbox (it becomes `user`'s), or, as a manager, give it to `to`.

    The initial assessment comes with it: the category and severity the taker confirms or corrects (the
    inbox suggests them). The apology stays due from when the complaint arrived; a different severity
    re-times it under that severity's target, still counted from the arrival. Two people taking the
    same complaint at once: the row lock lets the first through and tells the second who has it.
    """
    locked = _lock(complaint, user=user, expected_version=None)
    if locked.owner_id is not None:
        if locked.owner_id == user.pk:
            raise WorkflowError(f"You have already taken {locked.reference}.")
        raise WorkflowError(f"{_display_name(locked.owner)} has just taken {locked.reference}.")
    if not locked.is_open:
        raise WorkflowError(f"{locked.reference} is closed.")
    if expected_version is not None and locked.version != expected_version:
        # Someone re-assessed it or the customer changed it: the taker should see what they are taking.
        raise StaleComplaintError(
            f"{locked.reference} was changed while you were looking at it. Check it below, then take it again.",
            current_version=locked.version,
        )
    to = to or user
    if to.pk != user.pk and not roles.is_manager(user):
        raise WorkflowError("Only a manager can give an inbox complaint to someone else.", field="to")
    if not permissions.can_take(user, locked) and not (roles.is_manager(user) and to.pk != user.pk):
        raise WorkflowError(
            "A colleague cannot handle their own complaint; ask someone else to take it."
            if permissions.can_view(user, locked)
            else NOT_FOUND
        )
    _check_staff_target(to, field="to")
    _check_not_own_complaint(locked.customer, to, field="to")
    if not isinstance(category, Category) or not category.is_active:
        raise WorkflowError("Choose an active category.", field="category")
    if severity not in Severity.values:
        raise WorkflowError("Choose a severity.", field="severity")

    assessed = {
        field: [str(old), str(new)]
        for field, old, new in (
            ("category", locked.category, category),
            ("severity", locked.get_severity_display(), Severity(severity).label),
        )
        if old != new
    }
    fields = ["owner", "category", "severity"]
    severity_changed = locked.severity != severity
    locked.owner, locked.category, locked.severity = to, category, severity
    if severity_changed and locked.stage in (Stage.APOLOGIZE,):
        # Still counted from the arrival (round_started_at): the customer has been waiting since then.
        fields += _time_step(locked, _policy(severity))
    _save(locked, *fields)
    event = _record(
        locked,
        actor=user,
        kind=EventKind.TAKEN,
        stage_before=locked.stage,
        payload={
            "to_id": to.pk,
            "to": _display_name(to),
            "category": category.name,
            "severity": severity,
            "corrected": assessed,
        },
    )
    reminders_reschedule(complaint=locked)
    if to.pk != user.pk:
        reminders_notify(complaint=locked, event=event, kind=ReminderKind.ASSIGNED, recipient=to)
    return locked


@transaction.atomic
def complaints_hand_over(*, user: Any, owner: Any, to: Any) -> list[Complaint]:
    """Give every open complaint of `owner` (someone leaving, say) to `to`: all in one transaction, or none.

    Managers only. Each complaint is reassigned by the same rules as `complaint_assign` (`_reassign`):
    its own `assigned` event, its reminders re-addressed, a notice to `to`, an escalation ended. A
    complaint `to` may not take (their own, as a colleague who complained) refuses the whole hand-over,
    naming it, so nothing is left half done. Returns the complaints handed over.
    """
    if not roles.is_manager(user):
        raise WorkflowError("Only a manager can hand over a colleague's complaints.")
    if owner is None or not isinstance(owner, get_user_model()):
        raise WorkflowError("Choose whose complaints to hand over.", field="owner")
    _check_staff_target(to, field="to")
    if to.pk == owner.pk:
        raise WorkflowError(f"Choose someone other than {_display_name(owner)}.", field="to")
    # Lock them all first, in key order: a hand-over and single actions on these complaints then
    # queue up behind one another instead of deadlocking.
    keys = list(
        Complaint.objects.select_for_update()
        .filter(owner=owner)
        .exclude(stage=Stage.CLOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not keys:
        raise WorkflowError(f"{_display_name(owner)} has no open complaints to hand over.", field="owner")
    own = (
        Complaint.objects.filter(pk__in=keys)
        .exclude(permissions.may_be_given_q(to))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if own:
        references = ", ".join(format_reference(pk) for pk in own)
        raise WorkflowError(
            f"{_display_name(to)} cannot take {references}: a colleague cannot handle their own complaint. "
            "Give it to someone else first, or choose another colleague.",
            field="to",
        )
    complaints = [_lock(pk, user=user, expected_version=None) for pk in keys]
    for locked in complaints:
        _require(user, locked, "assign")  # a manager who complained cannot hand over their own complaint
    return [_reassign(locked, user=user, to=to, payload={"handover": True}) for locked in complaints]


@transaction.atomic
def complaint_escalate(
    *,
    complaint: Complaint | int,
    user: Any,
    to: Any,
    reason: str,
    expected_version: int | None = None,
) -> Complaint:
    """Step back: hand the complaint to a manager, saying why."""
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "escalate")
    if locked.stage == Stage.CLOSED:
        raise WorkflowError(f"{locked.reference} is closed; reopen it before escalating.")
    _check_staff_target(to, field="to", must_manage=True)
    if locked.escalated_to_id == to.pk and locked.owner_id == to.pk:
        raise WorkflowError(f"{locked.reference} is already escalated to {_display_name(to)}.", field="to")
    _check_not_own_complaint(locked.customer, to, field="to")
    clean_reason = _text(reason, field="reason", label="why you are escalating", max_length=REASON_MAX, required=True)
    previous = locked.owner
    locked.owner = to
    locked.escalated_to = to
    locked.escalation_reason = clean_reason
    locked.escalated_at = timezone.now()
    _save(locked, "owner", "escalated_to", "escalation_reason", "escalated_at")
    event = _record(
        locked,
        actor=user,
        kind=EventKind.ESCALATED,
        stage_before=locked.stage,
        payload={
            "from_id": previous.pk if previous is not None else None,
            "from": _display_name(previous),
            "to_id": to.pk,
            "to": _display_name(to),
            "reason": clean_reason,
        },
    )
    reminders_reschedule(complaint=locked)
    if to.pk != user.pk:
        reminders_notify(complaint=locked, event=event, kind=ReminderKind.ESCALATED, recipient=to)
    return locked
