"""The five steps (apologize, reinstate, empathize, atone, follow up) and skipping one.

Each checks what is particular to its step, then records it through `order._complete_step`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from accounts import roles
from common.money import format_money
from policy import selectors as policy_selectors
from policy.selectors import EmpowermentLimit
from recovery.models import NOTE_MAX, REASON_MAX, SKIPPABLE_STEPS, AtonementKind, Complaint, Stage
from recovery.workflow.base import WorkflowError, _text, _whole_number
from recovery.workflow.order import _complete_step

# RecoveryAction.atonement_value holds 10 digits, 2 of them after the point.
ATONEMENT_LIMIT = Decimal("100000000")


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


class AboveEmpowermentLimitError(WorkflowError):
    """A front-line person proposed an atonement above the service policy's empowerment limit.

    `proposed` and `limit` let the complaint page offer the escalation to a manager with the value.
    """

    def __init__(self, *, proposed: Decimal, limit: EmpowermentLimit) -> None:
        super().__init__(
            f"{format_money(proposed)} is above your empowerment limit of {format_money(limit.amount)} "
            f"(service policy v{limit.version}). A manager can approve it: escalate the complaint to a manager "
            "with the value you propose.",
            field="value",
        )
        self.proposed = proposed
        self.limit = limit


def _within_empowerment(user: Any, amount: Decimal | None) -> None:
    """Refuse a front-line person an atonement above the policy's empowerment limit; a manager may give any value."""
    if amount is None or roles.is_manager(user):
        return
    limit = policy_selectors.current_limit()
    if limit is not None and amount > limit.amount:
        raise AboveEmpowermentLimitError(proposed=amount, limit=limit)


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
    """Record how we made it up to the customer (step 4); the follow-up falls due from now.

    Above the service policy's empowerment limit only a manager may record it (`AboveEmpowermentLimitError`).
    """
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
        check=lambda _complaint: _within_empowerment(user, amount),
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
