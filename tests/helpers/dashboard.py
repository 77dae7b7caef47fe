"""Dashboard rows built by hand: complaints and steps written directly, so every time and figure is exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from recovery.dashboard import DashboardFilters
from recovery.models import AtonementKind, Category, Channel, Complaint, Outcome, RecoveryAction, Severity, Stage

# Winter in London (local time = UTC), so day boundaries are plain midnights.
NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


PERIOD = DashboardFilters(start=date(2026, 2, 1), end=date(2026, 2, 20))


H = timedelta(hours=1)


D = timedelta(days=1)


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def make_complaint(*, owner: Any, customer: Any, received_at: datetime, save: bool = True, **fields: Any) -> Complaint:
    """Return a complaint row as the workflow would leave it (open at the apology unless told otherwise)."""
    values: dict[str, Any] = {
        "channel": Channel.PHONE,
        "category": Category.objects.get(name="Delivery"),
        "severity": Severity.MEDIUM,
        "summary": "Parcel late",
        "logged_by": owner,
        "round_started_at": received_at,
        "step_due_at": received_at + 4 * H,
    }
    values.update(fields)
    if values.get("stage") == Stage.CLOSED:
        values["step_due_at"] = None
    complaint = Complaint(owner=owner, customer=customer, received_at=received_at, **values)
    if save:
        complaint.save()
    return complaint


def act(
    complaint: Complaint, step: str, done: timedelta, due: timedelta | None, *, minutes: int = 0, **fields: Any
) -> RecoveryAction:
    """Store step `step` done `done` after receipt, due `due` after receipt."""
    values: dict[str, Any] = {"round": 1, "done_by": complaint.owner, "minutes_spent": minutes}
    if step == Stage.ATONE and not fields.get("skipped"):
        values["atonement_kind"] = AtonementKind.VOUCHER
    values.update(fields)
    return RecoveryAction.objects.create(
        complaint=complaint,
        step=step,
        done_at=complaint.received_at + done,
        due_at=None if due is None else complaint.received_at + due,
        **values,
    )


def bulk_world(count: int, owner: Any, customers: list[Any]) -> None:
    """Store `count` complaints with a few steps each, quickly (bulk_create, not the workflow)."""
    complaints = []
    for n in range(count):
        received = NOW - timedelta(hours=7 * n + 1)
        closed = n % 3 == 0
        complaints.append(
            make_complaint(
                owner=owner, customer=customers[n % len(customers)], received_at=received, save=False,
                stage=Stage.CLOSED if closed else Stage.REINSTATE,
                outcome=Outcome.RETAINED if closed else "", closed_at=received + D if closed else None,
                root_cause=f"cause {n % 12}" if closed else "",
            )
        )  # fmt: skip
    Complaint.objects.bulk_create(complaints, batch_size=500)
    actions = []
    for c in complaints:
        actions.append(
            RecoveryAction(
                complaint=c, round=1, step=Stage.APOLOGIZE, done_by=owner, done_at=c.received_at + H,
                due_at=c.received_at + 4 * H, minutes_spent=5,
            )
        )  # fmt: skip
        if c.stage == Stage.CLOSED:
            actions.append(
                RecoveryAction(
                    complaint=c, round=1, step=Stage.FOLLOW_UP, done_by=owner, done_at=c.received_at + 20 * H,
                    satisfaction=4, retained=True,
                )
            )  # fmt: skip
    RecoveryAction.objects.bulk_create(actions, batch_size=1000)
