"""The dashboard's hand-built world (`dashboard_world`), shared by the dashboard, its pages and the money tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from customers.models import CustomerGroup
from recovery.facts import refresh_all
from recovery.models import Category, Outcome, Stage, Survey
from tests.factories import CustomerFactory
from tests.helpers.dashboard import D, H, act, at, make_complaint


@pytest.fixture
def dashboard_world(alice: Any, bob: Any, maria: Any) -> dict[str, Any]:
    """Five complaints whose figures are worked out by hand in tests/test_dashboard.py."""
    carla = CustomerFactory(name="Carla", group=CustomerGroup.END_USER)
    sam = CustomerFactory(name="Sam", group=CustomerGroup.SUPPLIER)
    dora = CustomerFactory(name="Dora", group=CustomerGroup.DISTRIBUTOR)
    billing = Category.objects.get(name="Billing")
    # A: received in the period, closed in it, retained.
    a = make_complaint(
        owner=alice,
        customer=carla,
        received_at=at(2, 2),
        stage=Stage.CLOSED,
        outcome=Outcome.RETAINED,
        closed_at=at(2, 10),
        satisfaction=5,
        root_cause="Courier late ",
        corrective_action="Changed courier",
    )
    act(a, Stage.APOLOGIZE, 2 * H, 4 * H, minutes=10)
    act(a, Stage.REINSTATE, 10 * H, 8 * H, minutes=20)
    act(a, Stage.EMPATHIZE, 11 * H, 24 * H, skipped=True, skip_reason="Not needed")
    act(a, Stage.ATONE, 1 * D, 3 * D, minutes=5, atonement_value=Decimal("25"))
    act(a, Stage.FOLLOW_UP, 7 * D, 8 * D, minutes=5, satisfaction=5, retained=True)
    # B: the same customer three days later (a repeat), closed in the period, lost.
    b = make_complaint(
        owner=bob,
        customer=carla,
        received_at=at(2, 5),
        category=billing,
        stage=Stage.CLOSED,
        outcome=Outcome.LOST,
        closed_at=at(2, 15),
        satisfaction=2,
        root_cause="courier late",
        corrective_action="Briefed the courier",
    )
    act(b, Stage.APOLOGIZE, 6 * H, 4 * H, minutes=5)
    act(b, Stage.REINSTATE, 7 * H, 8 * H, minutes=5)
    act(b, Stage.EMPATHIZE, 8 * H, 24 * H, minutes=5)
    act(b, Stage.ATONE, 1 * D, 3 * D, minutes=5, atonement_value=Decimal("40"))
    act(b, Stage.FOLLOW_UP, 9 * D, 8 * D, minutes=5, satisfaction=2, retained=False)
    # C: received in the period, open at reinstate and overdue, escalated to maria.
    c = make_complaint(
        owner=alice,
        customer=sam,
        received_at=at(2, 12),
        stage=Stage.REINSTATE,
        step_due_at=at(2, 12, 17),
        escalated_to=maria,
        escalated_at=at(2, 13),
        escalation_reason="Angry",
    )
    act(c, Stage.APOLOGIZE, 1 * H, 4 * H, minutes=10)
    # D: received before the period, closed in it, retained.
    d = make_complaint(
        owner=bob,
        customer=dora,
        received_at=at(1, 10),
        stage=Stage.CLOSED,
        outcome=Outcome.RETAINED,
        closed_at=at(2, 3),
        satisfaction=4,
        root_cause="Wrong address",
    )
    act(d, Stage.APOLOGIZE, 1 * H, 4 * H)
    act(d, Stage.ATONE, 2 * D, 3 * D, atonement_value=Decimal("30"))
    act(d, Stage.FOLLOW_UP, 20 * D, 23 * D, satisfaction=4, retained=True)
    # E: received long before, still open waiting to be closed (no due time).
    e = make_complaint(owner=bob, customer=dora, received_at=at(12, 1, year=2025), stage=Stage.CLOSE, step_due_at=None)
    # Surveys: two sent in the period (one answered), one before it.
    sent = [Survey.objects.create(complaint=x, round=1) for x in (a, b, d)]
    Survey.objects.filter(pk=sent[0].pk).update(
        created_at=at(2, 9), sent_at=at(2, 9), answered_at=at(2, 9, 12), satisfaction=5, would_return=True
    )
    Survey.objects.filter(pk=sent[1].pk).update(created_at=at(2, 14), sent_at=at(2, 14))
    Survey.objects.filter(pk=sent[2].pk).update(created_at=at(1, 30), sent_at=at(1, 30))
    # The steps were stored directly, as a bulk load would: derive the complaints' facts from them.
    refresh_all()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "alice": alice, "bob": bob}  # fmt: skip
