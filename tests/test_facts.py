"""The facts the workflow keeps on each complaint match what its recorded steps say."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from recovery.facts import ON_TIME_FIELDS, refresh_all
from recovery.models import Complaint, Stage
from recovery.workflow import (
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_follow_up,
    complaint_reinstate,
    complaint_reopen,
    complaint_skip_step,
)
from tests.factories import log_complaint

FACTS = ["apologized_at", "reinstated_at", "minutes_total", "atonement_total", *ON_TIME_FIELDS.values()]


def facts_of(complaint: Any) -> dict[str, Any]:
    return dict(Complaint.objects.filter(pk=complaint.pk).values(*FACTS).get())


def test_each_step_keeps_the_facts_and_they_match_a_recount_from_the_steps(alice, maria, customer):
    start = timezone.now() - timedelta(days=3)
    with time_machine.travel(start, tick=False):  # logged when received: due times count from logging
        c = log_complaint(user=alice, customer=customer)
    c = complaint_apologize(complaint=c, user=alice, minutes=10, done_at=start + timedelta(hours=1))
    c = complaint_reinstate(complaint=c, user=alice, note="Re-sent", minutes=20, done_at=start + timedelta(hours=60))
    c = complaint_skip_step(complaint=c, user=alice, step=Stage.EMPATHIZE, reason="Done with the apology")
    c = complaint_atone(complaint=c, user=alice, kind="voucher", value="25.50")
    c = complaint_follow_up(complaint=c, user=alice, satisfaction=2, retained=False, minutes=5)
    c = complaint_close(complaint=c, user=alice, outcome="lost")
    c = complaint_reopen(complaint=c, user=maria, to_step=Stage.ATONE, reason="Voucher never arrived")
    c = complaint_atone(complaint=c, user=maria, kind="refund", value="10", minutes=7)

    kept = facts_of(c)

    assert kept["apologized_at"] == start + timedelta(hours=1)
    assert kept["reinstated_at"] == start + timedelta(hours=60)
    assert kept["minutes_total"] == 10 + 20 + 5 + 7
    assert kept["atonement_total"] == Decimal("35.50")  # both rounds
    # Medium severity: apology due in 4 h (done in 1: on time), reinstate in 48 h (done in 60: late), empathize
    # skipped, atone due in 5 days (done now: on time), follow-up due 7 days after (done now: on time).
    # Round 2's atonement adds minutes and value but not timing.
    assert [kept[f] for f in ON_TIME_FIELDS.values()] == [True, False, None, True, True]

    refresh_all()
    assert facts_of(c) == kept


def test_a_complaint_with_no_steps_has_empty_facts(complaint):
    assert facts_of(complaint) == {
        "apologized_at": None,
        "reinstated_at": None,
        "minutes_total": 0,
        "atonement_total": Decimal("0"),
        **dict.fromkeys(ON_TIME_FIELDS.values()),
    }
