"""Escalation: a step still overdue after the policy's grace emails every manager once and says so on the timeline.

One Reminder row per due event (complaint, round, step), like every other kind: the unique constraint
(complaint, kind, round, step) stays the guard against doubles. The row names no one in advance; the
managers are read from the roles when it is sent, and get one message addressed to them all (one SMTP
transaction, so a retry can never email some of them twice). The auto-escalation event is written in
the same transaction that marks the row sent, under the claim token, so it appears once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from recovery import tasks
from recovery.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Severity,
    Stage,
)
from recovery.notifications import sending
from recovery.timeline import describe
from recovery.workflow import (
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_edit,
    complaint_empathize,
    complaint_follow_up,
    complaint_reinstate,
)
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import manager_user
from tests.helpers.reminders import quiet, quiet_logged
from tests.smtp import SmtpServer

ESCALATION = ReminderKind.ESCALATION


def escalation(complaint: Any, step: str = Stage.APOLOGIZE, round: int = 1) -> Reminder:
    return Reminder.objects.get(complaint=complaint, kind=ESCALATION, step=step, round=round)


@pytest.mark.django_db
def test_each_step_gets_an_escalation_after_the_grace_and_loses_it_when_done(alice: Any) -> None:
    c = quiet(alice)
    row = escalation(c)
    assert c.step_due_at is not None
    # Medium: 12 hours' grace after the step's due time; it names no one until it is sent.
    assert (row.status, row.due_at) == (ReminderStatus.PENDING, c.step_due_at + timedelta(hours=12))
    assert (row.recipient, row.recipient_email) == (None, "")

    c = complaint_apologize(complaint=c, user=alice)
    assert c.step_due_at is not None
    assert escalation(c).status == ReminderStatus.CANCELLED
    assert escalation(c, Stage.REINSTATE).due_at == c.step_due_at + timedelta(hours=12)

    c = complaint_edit(complaint=c, user=alice, severity=Severity.CRITICAL)  # 2 hours' grace
    assert c.step_due_at is not None
    assert escalation(c, Stage.REINSTATE).due_at == c.step_due_at + timedelta(hours=2)

    c = complaint_reinstate(complaint=c, user=alice, note="Replaced")
    c = complaint_empathize(complaint=c, user=alice)
    c = complaint_atone(complaint=c, user=alice, kind="voucher", value="5")
    assert escalation(c, Stage.FOLLOW_UP).status == ReminderStatus.PENDING
    c = complaint_follow_up(complaint=c, user=alice, satisfaction=5, retained=True)
    c = complaint_close(complaint=c, user=alice)
    assert not Reminder.objects.filter(complaint=c, kind=ESCALATION, status=ReminderStatus.PENDING).exists()


@pytest.mark.django_db
def test_reassigning_leaves_the_escalation_unaddressed(alice: Any, bob: Any) -> None:
    from recovery.workflow import complaint_assign

    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    assert (escalation(c).recipient, escalation(c).recipient_email) == (None, "")


@pytest.mark.django_db(transaction=True)
def test_overdue_past_grace_emails_each_manager_once_and_marks_the_timeline_once(
    alice: Any, worker: None, smtp: SmtpServer
) -> None:
    maria = manager_user(username="maria", first_name="Maria", last_name="Moreno")
    manager_user(username="mike", first_name="Mike", last_name="Manning")
    # Medium: the apology was due 4 h after logging, the grace is 12 h: 20 h ago means escalated 4 h ago.
    c = quiet_logged(alice, timedelta(hours=20))
    # Refused when typed now; stored directly, as older data may hold it: it must not reach a header.
    Complaint.objects.filter(pk=c.pk).update(summary="Rude <b>driver</b>\nBcc: x@y.z")
    row = escalation(c)
    assert row.due_at < timezone.now()

    # Beat fires twice (and once more below): still one email each, one timeline mark.
    tasks.dispatch_due_reminders.delay()
    tasks.dispatch_due_reminders.delay()
    wait_until(lambda: Reminder.objects.get(pk=row.pk).status == ReminderStatus.SENT)
    assert tasks.dispatch_due_reminders() == 0
    smtp.wait_for(2)  # the escalation and the owner's overdue reminder ("due soon" came too late to be true)
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come

    [sent] = [m for m in smtp.messages if "escalated" in m.subject]
    assert sent.subject == f"[CareDesk] Complaint {c.reference}: Apologize is still overdue, escalated to managers"
    assert sorted(sent.rcpt_tos) == ["maria@example.com", "mike@example.com"]
    assert [m.rcpt_tos for m in smtp.messages if m is not sent] == [("alice@example.com",)]  # overdue
    assert Reminder.objects.get(complaint=c, kind=ReminderKind.STEP_DUE_SOON).status == ReminderStatus.CANCELLED
    assert "Rude &lt;b&gt;driver&lt;/b&gt;" in sent.part("text/html")
    assert "Alice Archer" in sent.part("text/plain")
    assert f"/complaints/{c.pk}/" in sent.part("text/plain")

    [mark] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.AUTO_ESCALATED)
    assert mark.actor is None
    assert mark.payload["step"] == Stage.APOLOGIZE
    assert describe(mark, {}).text == "CareDesk: Escalated to managers (overdue)"
    [log] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.REMINDER_SENT, payload__reminder=ESCALATION)
    assert log.payload["to"] == "maria@example.com, mike@example.com"
    assert "escalated" in describe(log, {}).text
    c.refresh_from_db()
    assert (c.owner, c.escalated_to, c.escalated_at) == (alice, None, None)  # the owner keeps it
    assert maria.pk != c.owner_id


@pytest.mark.django_db(transaction=True)
def test_a_step_done_in_time_is_never_escalated(alice: Any, smtp: SmtpServer) -> None:
    manager_user(username="maria")
    c = quiet(alice)
    complaint_apologize(complaint=c, user=alice)
    claimed: list[tuple[int, int]] = []
    later = timezone.now() + timedelta(hours=17)  # past the apology's grace, before reinstate's
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)), now=later)
    assert ESCALATION not in set(
        Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]).values_list("kind", flat=True)
    )
    assert escalation(c).status == ReminderStatus.CANCELLED
    assert not ComplaintEvent.objects.filter(complaint=c, kind=EventKind.AUTO_ESCALATED).exists()


@pytest.mark.django_db(transaction=True)
def test_no_manager_with_an_address_fails_on_the_timeline_without_marking(alice: Any, smtp: SmtpServer) -> None:
    manager_user(username="nomail", email="")
    c = quiet_logged(alice, timedelta(hours=20))
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    row = escalation(c)
    [(pk, attempt)] = [(pk, attempt) for pk, attempt in claimed if pk == row.pk]
    assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "failed"
    row.refresh_from_db()
    assert (row.status, row.last_error) == (ReminderStatus.FAILED, "No manager has an email address.")
    [failed] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.REMINDER_FAILED)
    assert describe(failed, {}).text.endswith("to the managers:")
    assert not ComplaintEvent.objects.filter(complaint=c, kind=EventKind.AUTO_ESCALATED).exists()
    assert not [m for m in smtp.messages if "escalated" in m.subject]
