"""Every change to a complaint, one function each.

Each function runs in one transaction, locks the complaint row, checks who
may act and whether the order of the five steps allows it, writes the change
and exactly one ComplaintEvent, and raises WorkflowError with a message a
person can read when it refuses. Nothing else sets a complaint's stage.

Functions that change the complaint's state accept `expected_version`: the
version the user's form was built from. A different version means someone
else acted first, and the call is refused with StaleComplaintError instead of
acting on a state the user never saw.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from common.errors import DomainError

# Aliased so the messages below keep their names; the rule itself is common.people.display_name.
from common.people import display_name as _display_name
from common.validators import no_control_characters
from customers.models import Customer
from recovery import facts, permissions
from recovery.models import (
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NOTE_MAX,
    REASON_MAX,
    REMEDY_MAX,
    SKIPPABLE_STEPS,
    STEPS,
    SUMMARY_MAX,
    AtonementKind,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    Outcome,
    RecoveryAction,
    RecoveryPolicy,
    ReminderKind,
    Severity,
    Stage,
    format_reference,
    next_stage,
)
from recovery.reminders import reminders_acknowledge, reminders_notify, reminders_reschedule

# RecoveryAction.atonement_value holds 10 digits, 2 of them after the point.
ATONEMENT_LIMIT = Decimal("100000000")

NOT_FOUND = permissions.NOT_FOUND

# Clocks drift; a time a few minutes ahead of ours is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)

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


class WorkflowError(DomainError):
    """The workflow refused a change; `message` says why in plain words."""


class StaleComplaintError(WorkflowError):
    """Someone else changed the complaint after the user's form was built."""


# --- helpers -----------------------------------------------------------------------


def _lock(complaint: Complaint | int, *, user: Any, expected_version: int | None) -> Complaint:
    """Return the complaint re-read under a row lock, refusing one the user may not see or a stale version."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    try:
        # Lock the row alone: PostgreSQL re-checks a joined lock against the row someone else just
        # changed, and a changed owner no longer matches the owner row it joined, so the complaint
        # would look deleted. Read it with its people once the lock is ours (a fresh snapshot).
        Complaint.objects.select_for_update().filter(pk=pk).values_list("pk").get()
        locked = Complaint.objects.select_related("customer", "owner", "escalated_to").get(pk=pk)
    except Complaint.DoesNotExist:
        raise WorkflowError(NOT_FOUND) from None
    # Access first: the stale-version message names the complaint and its stage.
    _require_view(user, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleComplaintError(
            f"{locked.reference} was changed by someone else while you were working on it "
            f"(it is now at “{locked.get_stage_display()}”). Check the latest state below, then try again."
        )
    return locked


def _require_view(user: Any, complaint: Complaint) -> None:
    if not permissions.can_view(user, complaint):
        # Same words as for a missing complaint: confidential complaints stay invisible.
        raise WorkflowError(NOT_FOUND)


def _require(user: Any, complaint: Complaint, action: str) -> None:
    """Refuse `action` when `permissions.allowed_actions` does not let this user take it on this complaint.

    The one gate every change passes (the page offers the same actions). It says who may act; the
    order of the steps is checked after it, by each function.
    """
    reason = permissions.allowed_actions(user, complaint).refusals.get(action)
    if reason is not None:
        raise WorkflowError(reason)


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """Return `value` stripped, checking length, control characters and presence."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise WorkflowError(f"Enter {label}.", field=field)
    if len(text) > max_length:
        raise WorkflowError(
            f"Keep {label} to {max_length:,} characters (this is {len(text):,}).",
            field=field,
        )
    try:
        no_control_characters(text)
    except ValidationError as exc:
        raise WorkflowError(exc.messages[0], field=field) from None
    return text


def _whole_number(value: Any) -> int:
    """Return `value` as an int, refusing yes/no values and fractions instead of quietly truncating them."""
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    number = int(value)
    if isinstance(value, float | Decimal) and number != value:
        raise ValueError("not a whole number")
    return number


def _minutes(value: Any) -> int:
    try:
        minutes = _whole_number(value or 0)
    except (TypeError, ValueError, OverflowError):
        raise WorkflowError("Enter the minutes spent as a whole number.", field="minutes") from None
    if not 0 <= minutes <= MINUTES_MAX:
        raise WorkflowError(f"Minutes spent must be between 0 and {MINUTES_MAX:,} (one day).", field="minutes")
    return minutes


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


def _record(
    complaint: Complaint,
    *,
    actor: Any,
    kind: EventKind,
    stage_before: str = "",
    payload: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=kind,
        created_at=timezone.now(),
        stage_before=stage_before,
        stage_after=complaint.stage,
        payload=payload or {},
    )


def _save(complaint: Complaint, *fields: str) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y, %H:%M}" if moment is not None else "—"


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
    **details: Any,
) -> Complaint:
    """Record one step as done (or not needed) and move the complaint on."""
    locked = _lock(complaint, user=user, expected_version=expected_version)
    _require(user, locked, "skip" if skipped else "step")
    _refuse_out_of_order(locked, step)
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


def _check_staff_target(target: Any, *, field: str, must_manage: bool = False) -> None:
    if target is None or not isinstance(target, get_user_model()):
        raise WorkflowError("Choose a colleague.", field=field)
    if must_manage and not roles.is_manager(target):
        raise WorkflowError(f"{_display_name(target)} is not a manager.", field=field)
    if not roles.can_work(target):
        raise WorkflowError(f"{_display_name(target)} cannot handle complaints.", field=field)


def _check_not_own_complaint(customer: Customer, owner: Any, *, field: str) -> None:
    if not permissions.may_be_given(owner, customer):
        raise WorkflowError("A colleague cannot handle their own complaint; choose someone else.", field=field)


# --- logging a complaint ---------------------------------------------------------------


@transaction.atomic
def complaint_log(
    *,
    user: Any,
    customer: Customer,
    channel: str,
    category: Category,
    severity: str,
    summary: str,
    description: str = "",
    desired_remedy: str = "",
    received_at: datetime | None = None,
    owner: Any = None,
) -> Complaint:
    """Log a new complaint; the apology is due per the severity's policy, counted from now."""
    if not roles.can_work(user):
        raise WorkflowError("You do not have permission to log complaints.")
    if customer is None or customer.pk is None:
        raise WorkflowError("Choose the customer, or add them first.", field="customer")
    if channel not in Channel.values:
        raise WorkflowError("Choose how the complaint reached us.", field="channel")
    if severity not in Severity.values:
        raise WorkflowError("Choose a severity.", field="severity")
    if not isinstance(category, Category) or not category.is_active:
        raise WorkflowError("Choose an active category.", field="category")
    owner = owner or user
    _check_staff_target(owner, field="owner")
    _check_not_own_complaint(customer, owner, field="owner")

    now = timezone.now()
    received = received_at or now
    if not isinstance(received, datetime):
        raise WorkflowError("Give the date and time the complaint was received.", field="received_at")
    if timezone.is_naive(received):
        raise WorkflowError("Give the time with its time zone.", field="received_at")
    if received > now + CLOCK_SKEW:
        raise WorkflowError("The time received cannot be in the future.", field="received_at")
    # Due times count from when the complaint is logged, not from when it was received: a letter that
    # lay a week in the post is not a week overdue (nor escalated) the moment someone logs it, and the
    # customer is never promised a time already past. `received_at` stays the receipt, so reports still
    # measure how long the customer waited.
    started = max(received, now)

    complaint = Complaint(
        customer=customer,
        channel=channel,
        category=category,
        severity=severity,
        summary=_text(summary, field="summary", label="a short summary", max_length=SUMMARY_MAX, required=True),
        description=_text(description, field="description", label="the description", max_length=DESCRIPTION_MAX),
        desired_remedy=_text(
            desired_remedy, field="desired_remedy", label="the remedy the customer wants", max_length=REMEDY_MAX
        ),
        received_at=received,
        logged_by=user,
        owner=owner,
        stage=Stage.APOLOGIZE,
        round=1,
        round_started_at=started,
        round_first_step=Stage.APOLOGIZE,
    )
    _time_step(complaint, _policy(severity))
    complaint.save()
    _record(
        complaint,
        actor=user,
        kind=EventKind.LOGGED,
        payload={"owner_id": owner.pk, "owner": _display_name(owner), "received_at": received.isoformat()},
    )
    reminders_reschedule(complaint=complaint)
    reminders_acknowledge(complaint=complaint, now=now)
    return complaint


# --- the five steps ----------------------------------------------------------------------


@transaction.atomic
def complaint_apologize(
    *,
    complaint: Complaint | int,
    user: Any,
    note: str = "",
    minutes: Any = 0,
    done_at: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record the apology (step 1): sincerely acknowledge the error."""
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage.APOLOGIZE,
        expected_version=expected_version,
        done_at=done_at,
        minutes=minutes,
        note=note,
        note_label="how you apologised",
    )


@transaction.atomic
def complaint_reinstate(
    *,
    complaint: Complaint | int,
    user: Any,
    note: str,
    minutes: Any = 0,
    done_at: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record what was put back in order (step 2); saying what was fixed is required."""
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage.REINSTATE,
        expected_version=expected_version,
        done_at=done_at,
        minutes=minutes,
        note=note,
        note_required=True,
        note_label="what was fixed",
    )


@transaction.atomic
def complaint_empathize(
    *,
    complaint: Complaint | int,
    user: Any,
    note: str = "",
    minutes: Any = 0,
    done_at: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record that the customer's frustration was acknowledged (step 3)."""
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage.EMPATHIZE,
        expected_version=expected_version,
        done_at=done_at,
        minutes=minutes,
        note=note,
        note_label="how you acknowledged their frustration",
    )


def _atonement_value(kind: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        if kind == AtonementKind.NOTHING:
            return None
        raise WorkflowError("Enter the value of the atonement (0 if it cost nothing).", field="value")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise WorkflowError("Enter the value as an amount, like 25 or 25.50.", field="value") from None
    if not amount.is_finite():
        raise WorkflowError("Enter the value as an amount, like 25 or 25.50.", field="value")
    if amount < 0:
        raise WorkflowError("The value cannot be negative.", field="value")
    too_big = WorkflowError("The value must be less than 100,000,000.", field="value")
    if amount >= ATONEMENT_LIMIT:
        raise too_big
    # Money rounds half up (12.345 → 12.35), not to even as Decimal does by default; and
    # 99,999,999.995 rounds up to the limit, which the column cannot hold.
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount >= ATONEMENT_LIMIT:
        raise too_big
    return amount


@transaction.atomic
def complaint_atone(
    *,
    complaint: Complaint | int,
    user: Any,
    kind: str,
    value: Any = None,
    note: str = "",
    minutes: Any = 0,
    done_at: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record how we made it up to the customer (step 4); the follow-up falls due from now."""
    if kind not in AtonementKind.values:
        raise WorkflowError("Choose what was offered (or “nothing”, with a reason).", field="kind")
    amount = _atonement_value(kind, value)
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage.ATONE,
        expected_version=expected_version,
        done_at=done_at,
        minutes=minutes,
        note=note,
        note_required=kind == AtonementKind.NOTHING,
        note_label="why nothing was offered" if kind == AtonementKind.NOTHING else "what was offered",
        atonement_kind=kind,
        atonement_value=amount,
    )


@transaction.atomic
def complaint_follow_up(
    *,
    complaint: Complaint | int,
    user: Any,
    satisfaction: Any,
    retained: Any,
    customer_comment: str = "",
    note: str = "",
    minutes: Any = 0,
    done_at: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Record the follow-up (step 5): how satisfied the customer is and whether they stayed."""
    try:
        score = _whole_number(satisfaction)
    except (TypeError, ValueError, OverflowError):
        raise WorkflowError("Choose the customer's satisfaction, from 1 to 5.", field="satisfaction") from None
    if not 1 <= score <= 5:
        raise WorkflowError("Satisfaction is a score from 1 (very unhappy) to 5 (very happy).", field="satisfaction")
    if not isinstance(retained, bool):
        raise WorkflowError("Say whether the customer stayed with us.", field="retained")
    comment = _text(customer_comment, field="customer_comment", label="the customer's comment", max_length=NOTE_MAX)
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage.FOLLOW_UP,
        expected_version=expected_version,
        done_at=done_at,
        minutes=minutes,
        note=note,
        satisfaction=score,
        retained=retained,
        customer_comment=comment,
    )


@transaction.atomic
def complaint_skip_step(
    *,
    complaint: Complaint | int,
    user: Any,
    step: str,
    reason: str,
    expected_version: int | None = None,
) -> Complaint:
    """Mark reinstate, empathize or atone as not needed, with the reason."""
    if step not in SKIPPABLE_STEPS:
        label = Stage(step).label if step in Stage.values else step
        raise WorkflowError(f"“{label}” cannot be skipped; only reinstate, empathize and atone can.", field="step")
    clean_reason = _text(
        reason, field="reason", label="why this step is not needed", max_length=REASON_MAX, required=True
    )
    return _complete_step(
        complaint=complaint,
        user=user,
        step=Stage(step),
        expected_version=expected_version,
        done_at=None,
        minutes=0,
        note="",
        skipped=True,
        skip_reason=clean_reason,
    )


# --- people ------------------------------------------------------------------------------


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
        "from_id": previous.pk,
        "from": _display_name(previous),
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
            "from_id": previous.pk,
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


# --- notes and details ---------------------------------------------------------------------


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


# --- closing and reopening ------------------------------------------------------------------


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
