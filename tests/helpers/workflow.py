"""Driving the workflow in tests: doing steps, walking a complaint along, and checking a refusal stored nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from customers.models import CustomerGroup
from recovery.models import AtonementKind, Complaint, ComplaintEvent, RecoveryAction, Stage
from recovery.workflow import (
    WorkflowError,
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_empathize,
    complaint_follow_up,
    complaint_reinstate,
)
from tests.factories import log_complaint
from tests.helpers.customers import new_customer

# A Monday morning, far enough from any DST change to keep the arithmetic plain.
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


STEP_CALLS: dict[Stage, tuple[Any, dict[str, Any]]] = {
    Stage.APOLOGIZE: (complaint_apologize, {"note": "Said sorry for the late parcel", "minutes": 5}),
    Stage.REINSTATE: (complaint_reinstate, {"note": "Re-sent the parcel by courier", "minutes": 15}),
    Stage.EMPATHIZE: (complaint_empathize, {"note": "Two wasted days at home is maddening", "minutes": 3}),
    Stage.ATONE: (complaint_atone, {"kind": AtonementKind.VOUCHER, "value": "25", "note": "Voucher for next order"}),
    Stage.FOLLOW_UP: (complaint_follow_up, {"satisfaction": 4, "retained": True, "customer_comment": "All good"}),
}


def do_step(step: str, *, complaint: Any, user: Any, **overrides: Any) -> Complaint:
    """Do recovery step `step` with sensible details, as a handler would."""
    function, defaults = STEP_CALLS[Stage(step)]
    return function(complaint=complaint, user=user, **{**defaults, **overrides})


def advance(complaint: Complaint, user: Any, to: str) -> Complaint:
    """Do the steps in order until the complaint's next stage is `to`."""
    while complaint.stage != to:
        complaint = do_step(complaint.stage, complaint=complaint, user=user)
    return complaint


def closed(complaint: Complaint, user: Any) -> Complaint:
    """Do every step and close the complaint."""
    return complaint_close(complaint=advance(complaint, user, Stage.CLOSE), user=user)


def bring_to(complaint: Complaint, user: Any, stage: str) -> Complaint:
    """Walk the complaint to `stage`, closing it when that is the stage asked for."""
    return closed(complaint, user) if stage == Stage.CLOSED else advance(complaint, user, stage)


def snapshot(complaint: Complaint | None = None) -> dict[str, Any]:
    """Return what is stored: how many complaints, actions and events, and the complaint's whole row."""
    state: dict[str, Any] = {
        "complaints": Complaint.objects.count(),
        "actions": RecoveryAction.objects.count(),
        "events": ComplaintEvent.objects.count(),
    }
    if complaint is not None:
        state["row"] = Complaint.objects.filter(pk=complaint.pk).values().get()
    return state


def assert_refused(
    call: Any,
    *,
    match: str,
    field: str | None = None,
    complaint: Complaint | None = None,
    error: type[WorkflowError] = WorkflowError,
) -> WorkflowError:
    """Check `call` is refused with a message containing `match` on `field`, and that nothing was stored."""
    before = snapshot(complaint)
    with pytest.raises(error) as caught:
        call()
    assert match in caught.value.message
    assert caught.value.field == field
    assert snapshot(complaint) == before
    return caught.value


def employee_complaint(owner: Any, **customer_fields: Any) -> Complaint:
    """Log a confidential complaint from a colleague (an employee customer), owned by `owner`."""
    colleague = new_customer(name="Eve Employee", group=CustomerGroup.EMPLOYEE, **customer_fields)
    return log_complaint(user=owner, customer=colleague, summary="Shift swap request ignored")


def event_for(complaint: Complaint) -> ComplaintEvent:
    return ComplaintEvent.objects.filter(complaint=complaint).latest("created_at", "pk")


def fresh(complaint: Any) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)
