"""A complaint logged days after it was received (a letter that lay in the post) is timed from its logging.

Nothing is overdue or escalated the moment it is logged, the acknowledgement names a time still to come,
and the reports keep the receipt (the customer's wait). The service-level due times are checked in
tests/test_workflow_steps.py, the reminders owed in tests/test_reminders_schedule.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from customers.models import Customer
from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.models import Reminder, ReminderKind
from recovery.notifications import sending
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.workflow import do_step

T0 = datetime(2025, 11, 24, 10, 0, tzinfo=UTC)  # a Monday in winter: London time is UTC
WEEK = timedelta(days=7)


def claim_due() -> list[Reminder]:
    claimed: list[int] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append(pk))
    return list(Reminder.objects.filter(pk__in=claimed))


@pytest.fixture
def letter(alice: Any) -> Any:
    """A letter received a week ago, logged at T0, from a customer who may be emailed."""
    customer = cast(Customer, CustomerFactory(name="Lena Letter", email="lena@example.org", consents_to_contact=True))
    with time_machine.travel(T0, tick=False):
        return log_complaint(user=alice, customer=customer, received_at=T0 - WEEK)


def test_in_its_first_minutes_only_the_acknowledgement_goes_out(letter: Any) -> None:
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        sent = claim_due()
    assert [r.kind for r in sent] == [ReminderKind.ACKNOWLEDGEMENT]


def test_the_acknowledgement_names_the_apology_due_time_which_is_still_to_come(letter: Any, mailoutbox: Any) -> None:
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        [ack] = claim_due()
        assert sending.reminder_deliver(reminder_id=ack.pk, attempt=ack.attempts) == "sent"

    [email] = mailoutbox
    due = timezone.localtime(letter.step_due_at)
    assert due > T0
    assert due.date() == timezone.localdate(T0)
    assert f"in touch by {due:%H:%M} today" in email.body
    assert "17 November" not in email.body  # the receipt's date plus the target: already past


def test_reports_measure_the_apology_from_receipt_and_its_timeliness_from_logging(letter: Any, alice: Any) -> None:
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        do_step("apologize", complaint=letter, user=alice)
    period = DashboardFilters(start=(T0 - WEEK).date(), end=T0.date())

    board = dashboard_compute(period, now=T0 + timedelta(hours=2), recount=True)  # the exact median

    assert board.figures["time_to_apologize"].value == pytest.approx((WEEK + timedelta(hours=1)).total_seconds())
    assert board.figures["on_time"].value == 1.0
