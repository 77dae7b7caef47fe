"""Every workflow change leaves exactly the reminders the complaint's new state needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from recovery.models import NOTICE_KINDS, ComplaintEvent, Reminder, ReminderKind, ReminderStatus, Severity, Stage
from recovery.reminders import reminders_reschedule
from recovery.workflow import (
    complaint_apologize,
    complaint_assign,
    complaint_atone,
    complaint_close,
    complaint_edit,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_reinstate,
    complaint_reopen,
    complaint_skip_step,
)
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db

SOON, OVERDUE, FOLLOW_UP = ReminderKind.STEP_DUE_SOON, ReminderKind.STEP_OVERDUE, ReminderKind.FOLLOW_UP_DUE
STAFF_KINDS = (SOON, OVERDUE, FOLLOW_UP, ReminderKind.ESCALATION)


def pending(complaint: Any) -> dict[tuple[str, str, int], Reminder]:
    """The owner's pending reminders (escalations and customer emails: tests/test_reminders_escalation|customer)."""
    rows = Reminder.objects.filter(
        complaint=complaint, status=ReminderStatus.PENDING, kind__in=[SOON, OVERDUE, FOLLOW_UP]
    )
    return {(r.kind, r.step, r.round): r for r in rows}


def test_logging_schedules_due_soon_and_overdue_for_the_apology(complaint: Any, alice: Any) -> None:
    reminders = pending(complaint)
    assert set(reminders) == {(SOON, Stage.APOLOGIZE, 1), (OVERDUE, Stage.APOLOGIZE, 1)}
    due = complaint.step_due_at
    # Medium: apologize within 4 h, so "due soon" comes a quarter of that (1 h) before.
    assert reminders[SOON, Stage.APOLOGIZE, 1].due_at == due - timedelta(hours=1)
    assert reminders[OVERDUE, Stage.APOLOGIZE, 1].due_at == due
    assert {(r.recipient, r.recipient_email) for r in reminders.values()} == {(alice, "alice@example.com")}


def test_due_soon_lead_is_capped_at_two_hours(complaint: Any, alice: Any) -> None:
    done = complaint_apologize(complaint=complaint, user=alice)
    assert done.step_due_at is not None
    # Reinstate is due 48 h after receipt: a quarter would be 12 h, the cap is 2 h.
    assert pending(done)[SOON, Stage.REINSTATE, 1].due_at == done.step_due_at - timedelta(hours=2)


def test_a_step_done_before_its_reminder_cancels_it(complaint: Any, alice: Any) -> None:
    before = {r.kind: r.pk for r in Reminder.objects.filter(complaint=complaint, kind__in=[SOON, OVERDUE])}
    done = complaint_apologize(complaint=complaint, user=alice)
    statuses = dict(Reminder.objects.filter(pk__in=before.values()).values_list("kind", "status"))
    assert statuses == {SOON: ReminderStatus.CANCELLED, OVERDUE: ReminderStatus.CANCELLED}
    assert set(pending(done)) == {(SOON, Stage.REINSTATE, 1), (OVERDUE, Stage.REINSTATE, 1)}


def test_each_step_and_skip_moves_the_reminders_on(complaint: Any, alice: Any) -> None:
    c = complaint_apologize(complaint=complaint, user=alice)
    c = complaint_skip_step(complaint=c, user=alice, step=Stage.REINSTATE, reason="Nothing to put back")
    assert set(pending(c)) == {(SOON, Stage.EMPATHIZE, 1), (OVERDUE, Stage.EMPATHIZE, 1)}
    c = complaint_empathize(complaint=c, user=alice)
    assert set(pending(c)) == {(SOON, Stage.ATONE, 1), (OVERDUE, Stage.ATONE, 1)}
    c = complaint_atone(complaint=c, user=alice, kind="voucher", value="10")
    reminders = pending(c)
    assert set(reminders) == {(FOLLOW_UP, Stage.FOLLOW_UP, 1)}
    assert reminders[FOLLOW_UP, Stage.FOLLOW_UP, 1].due_at == c.step_due_at
    c = complaint_follow_up(complaint=c, user=alice, satisfaction=4, retained=True)
    assert pending(c) == {}
    c = complaint_close(complaint=c, user=alice)
    assert pending(c) == {}
    assert not Reminder.objects.filter(complaint=c, status=ReminderStatus.CLAIMED).exists()


def test_reinstate_and_reopen(complaint: Any, alice: Any) -> None:
    c = complaint_apologize(complaint=complaint, user=alice)
    c = complaint_reinstate(complaint=c, user=alice, note="Sent a new parcel")
    c = complaint_empathize(complaint=c, user=alice)
    c = complaint_atone(complaint=c, user=alice, kind="nothing", note="Declined")
    c = complaint_follow_up(complaint=c, user=alice, satisfaction=2, retained=False)
    c = complaint_close(complaint=c, user=alice)
    c = complaint_reopen(complaint=c, user=alice, to_step=Stage.EMPATHIZE, reason="Came back unhappy")
    assert set(pending(c)) == {(SOON, Stage.EMPATHIZE, 2), (OVERDUE, Stage.EMPATHIZE, 2)}


def test_close_cancels_a_claimed_reminder_too(complaint: Any, alice: Any) -> None:
    c = complaint_apologize(complaint=complaint, user=alice)
    c = complaint_skip_step(complaint=c, user=alice, step=Stage.REINSTATE, reason="n/a")
    c = complaint_skip_step(complaint=c, user=alice, step=Stage.EMPATHIZE, reason="n/a")
    c = complaint_skip_step(complaint=c, user=alice, step=Stage.ATONE, reason="n/a")
    row = Reminder.objects.get(complaint=c, kind=FOLLOW_UP)
    Reminder.objects.filter(pk=row.pk).update(
        status=ReminderStatus.CLAIMED, attempts=1, lease_expires_at=timezone.now() + timedelta(minutes=5)
    )
    c = complaint_follow_up(complaint=c, user=alice, satisfaction=5, retained=True)
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED
    assert row.lease_expires_at is None


def test_assign_and_escalate_readdress_the_same_rows(complaint: Any, alice: Any, bob: Any, maria: Any) -> None:
    ids = set(Reminder.objects.filter(complaint=complaint).values_list("pk", flat=True))
    c = complaint_assign(complaint=complaint, user=alice, to=bob)
    assert {(r.recipient, r.recipient_email) for r in pending(c).values()} == {(bob, "bob@example.com")}
    c = complaint_escalate(complaint=c, user=bob, to=maria, reason="Needs a manager")
    assert {(r.recipient, r.recipient_email) for r in pending(c).values()} == {(maria, "maria@example.com")}
    # The step reminders are the same rows; the only new ones are the two new owners' notices.
    assert set(Reminder.objects.filter(complaint=c).exclude(kind__in=NOTICE_KINDS).values_list("pk", flat=True)) == ids


def test_editing_severity_moves_the_due_times(complaint: Any, alice: Any) -> None:
    c = complaint_edit(complaint=complaint, user=alice, severity=Severity.CRITICAL)
    reminders = pending(c)
    # Critical: apologize within 1 h, so "due soon" 15 minutes before.
    assert reminders[OVERDUE, Stage.APOLOGIZE, 1].due_at == c.step_due_at
    assert reminders[SOON, Stage.APOLOGIZE, 1].due_at == c.step_due_at - timedelta(minutes=15)
    assert Reminder.objects.filter(complaint=c, kind__in=[SOON, OVERDUE]).count() == 2


def test_a_back_dated_complaint_owes_no_reminder_or_escalation_at_once(alice: Any, customer: Any) -> None:
    """A letter received a week ago and logged now is timed from now: nothing is overdue or escalated yet."""
    now = timezone.now()
    c = log_complaint(user=alice, customer=customer, received_at=now - timedelta(days=7))
    owed = {
        (r.kind, r.step): r.due_at
        for r in Reminder.objects.filter(complaint=c, status=ReminderStatus.PENDING, kind__in=STAFF_KINDS)
    }
    # Medium: apologize within 4 h of logging, due soon 1 h before, managers alerted 12 h after.
    assert owed == {
        (SOON, Stage.APOLOGIZE): c.step_due_at - timedelta(hours=1),
        (OVERDUE, Stage.APOLOGIZE): c.step_due_at,
        (ReminderKind.ESCALATION, Stage.APOLOGIZE): c.step_due_at + timedelta(hours=12),
    }
    assert c.step_due_at is not None
    assert c.step_due_at >= now + timedelta(hours=4)
    assert c.received_at == now - timedelta(days=7)


def test_a_sent_reminder_is_final(complaint: Any, alice: Any) -> None:
    soon = Reminder.objects.get(complaint=complaint, kind=SOON)
    Reminder.objects.filter(pk=soon.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now())
    c = complaint_edit(complaint=complaint, user=alice, severity=Severity.LOW)
    soon.refresh_from_db()
    assert soon.status == ReminderStatus.SENT
    assert c.step_due_at is not None
    assert soon.due_at != c.step_due_at - timedelta(hours=2)  # not moved
    assert Reminder.objects.filter(complaint=c, kind__in=[SOON, OVERDUE]).count() == 2


def test_rescheduling_is_idempotent(complaint: Any) -> None:
    before = list(Reminder.objects.filter(complaint=complaint).values())
    reminders_reschedule(complaint=complaint)
    reminders_reschedule(complaint=complaint)
    assert list(Reminder.objects.filter(complaint=complaint).values()) == before


def test_the_database_refuses_a_second_reminder_for_one_due_event(complaint: Any) -> None:
    row = Reminder.objects.get(complaint=complaint, kind=OVERDUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            complaint=complaint, kind=OVERDUE, round=1, step=Stage.APOLOGIZE, due_at=row.due_at, recipient_email="x@y.z"
        )


def test_reminder_rows_are_not_timeline_events(complaint: Any) -> None:
    assert list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True)) == ["logged"]


def test_a_severity_raise_that_makes_the_step_overdue_drops_due_soon(alice: Any, customer: Any) -> None:
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        c = log_complaint(user=alice, customer=customer)
    assert set(pending(c)) == {(SOON, Stage.APOLOGIZE, 1), (OVERDUE, Stage.APOLOGIZE, 1)}
    # Critical: the apology was due an hour after logging, so it is overdue already; "due soon" would be noise.
    c = complaint_edit(complaint=c, user=alice, severity=Severity.CRITICAL)
    assert set(pending(c)) == {(OVERDUE, Stage.APOLOGIZE, 1)}
    assert Reminder.objects.get(complaint=c, kind=SOON).status == ReminderStatus.CANCELLED


def test_assigning_costs_no_cancel_query_when_nothing_is_moot(
    complaint: Any, alice: Any, bob: Any, django_assert_num_queries: Any
) -> None:
    # Read the reminders, re-address the owner's two rows (the escalation time is on the complaint).
    with django_assert_num_queries(3):
        reminders_reschedule(complaint=complaint_assign_in_memory(complaint, bob))


def complaint_assign_in_memory(complaint: Any, owner: Any) -> Any:
    complaint.owner = owner
    return complaint
