"""Reminders end to end against the real services: Redis broker, a Celery worker, PostgreSQL, SMTP.

The worker runs in a thread (`start_worker`, solo pool) with its own database connection, so these
tests are transactional. Each pytest-xdist process has its own Redis DB (see config/settings_test.py),
flushed before and after every test here. The SMTP server is aiosmtpd on loopback (tests/smtp.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone

from customers.models import Customer
from recovery import tasks
from recovery.models import Complaint, ComplaintEvent, EventKind, Reminder, ReminderKind, ReminderStatus, Stage, Survey
from recovery.notifications import sending
from recovery.workflow import (
    complaint_apologize,
    complaint_atone,
    complaint_empathize,
    complaint_reinstate,
)
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, front_line_user, log_complaint
from tests.helpers.reminders import quiet, quiet_logged
from tests.smtp import SmtpServer


def at_follow_up_day(user: Any, **kwargs: Any) -> Any:
    """A complaint atoned seven days ago, so its follow-up day has come (an hour ago: not yet escalated)."""
    start = timezone.now() - timedelta(days=7, hours=5)
    c = quiet(user, received_at=start, **kwargs)
    c = complaint_apologize(complaint=c, user=user, done_at=start + timedelta(hours=1))
    c = complaint_reinstate(complaint=c, user=user, note="New parcel sent", done_at=start + timedelta(hours=2))
    c = complaint_empathize(complaint=c, user=user, done_at=start + timedelta(hours=3))
    return complaint_atone(complaint=c, user=user, kind="voucher", value="15", done_at=start + timedelta(hours=4))


@pytest.mark.django_db(transaction=True)
def test_follow_up_day_sends_exactly_one_email(alice: Any, worker: None, smtp: SmtpServer) -> None:
    c = at_follow_up_day(alice)
    # Refused when typed now; stored directly, as older data may hold it.
    Complaint.objects.filter(pk=c.pk).update(summary="Parcel <b>late</b>\nagain")
    reminder = Reminder.objects.get(complaint=c, status=ReminderStatus.PENDING, kind=ReminderKind.FOLLOW_UP_DUE)
    assert reminder.kind == ReminderKind.FOLLOW_UP_DUE
    assert reminder.due_at < timezone.now()

    tasks.dispatch_due_reminders.delay()  # what beat does every minute, through the broker

    [received] = smtp.wait_for(1)
    wait_until(lambda: Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.SENT)
    assert received.rcpt_tos == ("alice@example.com",)
    assert received.subject == f"[CareDesk] Complaint {c.reference}: the follow-up is due today"
    assert "Parcel <b>late</b>" in received.part("text/plain")
    html = received.part("text/html")
    assert "Parcel &lt;b&gt;late&lt;/b&gt;" in html
    assert "<b>late" not in html
    assert f"/complaints/{c.pk}/" in html

    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error, reminder.lease_expires_at) == (1, "", None)
    assert reminder.sent_at is not None
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_SENT)
    assert event.actor is None
    assert event.payload["reminder"] == ReminderKind.FOLLOW_UP_DUE
    assert event.payload["to"] == "alice@example.com"

    # The next scans find nothing more to do: still exactly one email.
    assert tasks.dispatch_due_reminders() == 0
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_on_the_follow_up_day_the_customer_gets_one_survey_whose_link_works_once(
    alice: Any, worker: None, smtp: SmtpServer, client: Any
) -> None:
    start = timezone.now() - timedelta(days=7, hours=5)
    customer = cast(Customer, CustomerFactory(name="Dana Day", email="dana@example.org", consents_to_contact=True))
    c = log_complaint(user=alice, customer=customer, received_at=start)
    c = complaint_apologize(complaint=c, user=alice, done_at=start + timedelta(hours=1))
    c = complaint_reinstate(complaint=c, user=alice, note="New parcel sent", done_at=start + timedelta(hours=2))
    c = complaint_empathize(complaint=c, user=alice, done_at=start + timedelta(hours=3))
    c = complaint_atone(complaint=c, user=alice, kind="voucher", value="15", done_at=start + timedelta(hours=4))
    Reminder.objects.filter(complaint=c, kind=ReminderKind.ACKNOWLEDGEMENT).delete()  # sent when logged

    tasks.dispatch_due_reminders.delay()

    messages = smtp.wait_for(2)  # the owner's follow-up reminder and the customer's survey
    survey_reminder = Reminder.objects.get(complaint=c, kind=ReminderKind.CUSTOMER_SURVEY)
    wait_until(lambda: Reminder.objects.get(pk=survey_reminder.pk).status == ReminderStatus.SENT)
    [survey_email] = [m for m in messages if m.rcpt_tos == ("dana@example.org",)]
    assert survey_email.subject == f"[CareDesk] Complaint {c.reference}: how did we do?"
    text = survey_email.part("text/plain")
    link = next(line for line in text.splitlines() if "/survey/" in line).strip()
    path = link[link.index("/survey/") :]

    assert client.get(path).status_code == 200
    answered = client.post(path, {"satisfaction": "5", "would_return": "yes", "comment": "Lovely, thanks"})
    assert answered.status_code == 302
    assert "already have your answer" in client.post(path, {"satisfaction": "1", "would_return": "no"}).text
    assert Survey.objects.get(complaint=c).satisfaction == 5

    assert tasks.dispatch_due_reminders() == 0
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_a_step_done_before_its_reminders_are_due_sends_nothing(alice: Any, worker: None, smtp: SmtpServer) -> None:
    done = quiet(alice, summary="Done in time")
    complaint_apologize(complaint=done, user=alice)
    forgotten = quiet(alice, summary="Forgotten")

    # A scan five hours from now: both apology reminders (due soon, overdue) have come due.
    claimed = sending.reminders_claim_due(enqueue=tasks._enqueue, now=timezone.now() + timedelta(hours=5))

    assert claimed == 2
    messages = smtp.wait_for(2)
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert {m.subject for m in smtp.messages} == {
        f"[CareDesk] Complaint {forgotten.reference}: Apologize is due soon",
        f"[CareDesk] Complaint {forgotten.reference}: Apologize is overdue",
    }
    assert len(smtp.messages) == len(messages) == 2
    assert (
        not Reminder.objects.filter(complaint=done)
        .exclude(status__in=[ReminderStatus.CANCELLED, ReminderStatus.PENDING])
        .exists()
    )
    assert not ComplaintEvent.objects.filter(complaint=done, kind=EventKind.REMINDER_SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_smtp_down_then_up_is_retried_and_delivered_once(
    alice: Any, worker: None, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 20
    c = at_follow_up_day(alice)
    reminder = Reminder.objects.get(complaint=c, status=ReminderStatus.PENDING, kind=ReminderKind.FOLLOW_UP_DUE)
    smtp.stop()

    assert tasks.dispatch_due_reminders() == 1

    # The claim (attempt 1) and at least one retry (attempt 2, 3) fail while the server is down.
    wait_until(lambda: Reminder.objects.get(pk=reminder.pk).attempts >= 3)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CLAIMED
    assert "Connection" in reminder.last_error or "refused" in reminder.last_error
    smtp.start()

    [received] = smtp.wait_for(1, timeout=30)
    wait_until(lambda: Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.SENT)
    assert c.reference in received.subject
    reminder.refresh_from_db()
    assert reminder.attempts >= 3
    assert reminder.last_error == ""
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_SENT)
    assert event.payload["attempts"] == reminder.attempts
    assert not ComplaintEvent.objects.filter(complaint=c, kind=EventKind.REMINDER_FAILED).exists()
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 1


# --- the task bodies, called in this process (no worker) ---------------------------------------


def claim_all(**kwargs: Any) -> list[tuple[int, int]]:
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)), **kwargs)
    return claimed


@pytest.mark.django_db(transaction=True)
def test_retries_exhausted_marks_failed_with_the_reason(alice: Any, smtp: SmtpServer, settings: Any) -> None:
    settings.REMINDER_MAX_RETRIES = 2
    c = at_follow_up_day(alice)
    smtp.stop()
    [(pk, attempt)] = claim_all()

    # apply() runs the task here; its retries run here too, one after the other.
    result = tasks.send_reminder.apply(args=(pk, attempt))

    assert result.get() == "failed"
    reminder = Reminder.objects.get(pk=pk)
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 3  # the claim and two retries
    assert "refused" in reminder.last_error.lower() or "connection" in reminder.last_error.lower()
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_FAILED)
    assert event.actor is None
    assert event.payload["error"] == reminder.last_error
    # A failed reminder is final: later scans leave it alone.
    assert claim_all() == []


@pytest.mark.django_db(transaction=True)
def test_a_stale_claim_stands_down_and_an_expired_lease_is_claimed_again(
    alice: Any, smtp: SmtpServer, settings: Any
) -> None:
    at_follow_up_day(alice)
    [(pk, first)] = claim_all()
    assert claim_all() == []  # the lease holds

    # The worker holding the claim died; after the lease the next scan claims it again.
    [(again, second)] = claim_all(now=timezone.now() + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1))
    assert (again, second) == (pk, first + 1)
    assert sending.reminder_deliver(reminder_id=pk, attempt=first) == "stale"
    assert smtp.messages == []
    assert sending.reminder_deliver(reminder_id=pk, attempt=second) == "sent"
    assert sending.reminder_deliver(reminder_id=pk, attempt=second) == "stale"
    assert len(smtp.wait_for(1)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_reminder_whose_lease_keeps_running_out_is_given_up_after_the_attempt_cap(
    alice: Any, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_ATTEMPTS = 3
    c = at_follow_up_day(alice)
    lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    # Each send dies with its worker (nothing is delivered); the scan after the lease claims it again.
    [(pk, _)] = claim_all()
    for k in range(1, 3):
        assert [p for p, _ in claim_all(now=timezone.now() + k * lease)] == [pk]

    assert claim_all(now=timezone.now() + 3 * lease) == []  # failed at the cap, not claimed a fourth time
    reminder = Reminder.objects.get(pk=pk)
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 3
    assert reminder.last_error == "Gave up after 3 attempts: the send never finished (its worker kept stopping)."
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_FAILED)
    assert event.payload["error"] == reminder.last_error
    assert claim_all(now=timezone.now() + 4 * lease) == []
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_claim_is_not_sent(alice: Any, smtp: SmtpServer) -> None:
    c = quiet_logged(alice, timedelta(hours=3, minutes=30))  # medium: due soon 30 min ago, overdue in 30 min
    [(pk, attempt)] = claim_all()
    complaint_apologize(complaint=c, user=alice)  # done while the send was queued
    assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "stale"
    assert Reminder.objects.get(pk=pk).status == ReminderStatus.CANCELLED
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_an_owner_without_email_fails_at_once_on_the_timeline(starter_data: None, smtp: SmtpServer) -> None:
    nobody = front_line_user(username="noemail", email="")
    c = quiet_logged(nobody, timedelta(hours=3, minutes=30))  # medium: only "due soon" is due
    [(pk, attempt)] = claim_all()
    assert tasks.send_reminder.apply(args=(pk, attempt)).get() == "failed"
    assert Reminder.objects.get(pk=pk).status == ReminderStatus.FAILED
    assert ComplaintEvent.objects.filter(complaint=c, kind=EventKind.REMINDER_FAILED).count() == 1
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_claiming_works_in_batches(alice: Any, smtp: SmtpServer) -> None:
    for _ in range(5):
        quiet_logged(alice, timedelta(hours=5))  # medium: due soon and overdue both due
    claimed = claim_all(batch_size=2)
    assert len(claimed) == len({pk for pk, _ in claimed}) == 10
    # The escalations (due after the policy's grace) wait.
    assert set(Reminder.objects.exclude(kind=ReminderKind.ESCALATION).values_list("status", "attempts")) == {
        (ReminderStatus.CLAIMED, 1)
    }
    assert Stage.APOLOGIZE in set(Reminder.objects.values_list("step", flat=True))
