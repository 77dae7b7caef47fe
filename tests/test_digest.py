"""The managers' daily digest: its content, when it is owed, and delivery through the real services.

Content and scheduling tests fix "now" with time-machine and send through Django's locmem backend.
The end-to-end tests at the bottom run the real Redis broker, a Celery worker thread and aiosmtpd on
loopback, with the shared fixtures of tests/celery_services.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import TestCase
from django.utils import timezone

from customers.models import Customer
from recovery import digest, tasks
from recovery.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    ManagerDigest,
    Outcome,
    ReminderStatus,
    Severity,
    Stage,
)
from recovery.notifications import digest as digest_sending
from recovery.workflow import (
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_reinstate,
)
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, UserFactory, front_line_user, log_complaint, manager_user
from tests.helpers.digest import DAY, T0, local
from tests.smtp import SmtpServer
from tests.xss import assert_shown_escaped

# --- building complaints through the workflow -------------------------------------------------------


def quiet(user: Any, *, name: str | None = None, **kwargs: Any) -> Any:
    """Log a complaint for a customer who gets no emails (only the staff's reminders are owed)."""
    extra = {"name": name} if name is not None else {}
    customer = cast(Customer, CustomerFactory(consents_to_contact=False, **extra))
    return log_complaint(user=user, customer=customer, **kwargs)


def overdue_by(user: Any, span: timedelta, **kwargs: Any) -> Any:
    """A medium complaint whose apology (due 4 h after it was logged) is `span` overdue now."""
    with time_machine.travel(timezone.now() - timedelta(hours=4) - span, tick=False):
        return quiet(user, **kwargs)


def atoned(user: Any, at: datetime, **kwargs: Any) -> Any:
    """A complaint atoned at `at`: its follow-up is due seven days later (medium policy)."""
    start = at - timedelta(days=1)
    c = quiet(user, received_at=start, **kwargs)
    c = complaint_apologize(complaint=c, user=user, done_at=start + timedelta(hours=1))
    c = complaint_reinstate(complaint=c, user=user, note="Replaced", done_at=start + timedelta(hours=2))
    c = complaint_empathize(complaint=c, user=user, done_at=start + timedelta(hours=3))
    return complaint_atone(complaint=c, user=user, kind="voucher", value="15", done_at=at)


def closed_at(user: Any, at: datetime, *, retained: bool = True, **kwargs: Any) -> Any:
    """A complaint followed up and closed at `at` (local)."""
    with time_machine.travel(at, tick=False):
        c = atoned(user, at - timedelta(hours=2), **kwargs)
        c = complaint_follow_up(
            complaint=c, user=user, satisfaction=4, retained=retained, done_at=at - timedelta(hours=1)
        )
        return complaint_close(complaint=c, user=user)


def escalate(c: Any, *, by: Any, to: Any, at: datetime) -> Any:
    with time_machine.travel(at, tick=False):
        return complaint_escalate(complaint=c, user=by, to=to, reason="Customer asked for a manager")


def refs(section: digest.DigestSection) -> list[str]:
    return [row.reference for row in section.rows]


def claim_all(**kwargs: Any) -> list[tuple[int, int]]:
    """Claim the due digests; return what would be enqueued (run now, also inside a test's transaction)."""
    claimed: list[tuple[int, int]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        digest_sending.digests_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)), **kwargs)
    return claimed


# --- content ----------------------------------------------------------------------------------------


def test_overdue_lists_open_steps_past_due_most_overdue_first(alice: Any) -> None:
    with time_machine.travel(T0, tick=False):
        late = overdue_by(alice, timedelta(hours=3))
        later = overdue_by(alice, timedelta(days=2))
        follow_up_late = atoned(alice, T0 - timedelta(days=8))  # follow-up was due yesterday
        quiet(alice)  # apology due in 4 h: not overdue
        waiting_close = atoned(alice, T0 - timedelta(days=3))
        complaint_follow_up(complaint=waiting_close, user=alice, satisfaction=5, retained=True)  # at Close: no due
    closed_at(alice, T0 - timedelta(hours=1))

    content = digest.digest_content(day=DAY, now=T0)

    assert content.overdue.count == 3
    assert refs(content.overdue) == [later.reference, follow_up_late.reference, late.reference]
    first, _, last = content.overdue.rows
    assert first.detail == "overdue by 2 d 0 h"
    assert last.detail == "overdue by 3 h 0 min"
    assert (first.step_label, first.owner_name) == ("Apologize", "Alice Archer")
    assert content.overdue.rows[1].step_label == "Follow up"
    assert first.url == f"{django_settings.SITE_URL.rstrip('/')}/complaints/{later.pk}/"
    assert content.overdue_url.endswith("/complaints/?overdue=on&sort=due")


def test_the_overdue_link_opens_the_lists_overdue_filter(alice: Any, maria: Any, client: Any) -> None:
    late = overdue_by(alice, timedelta(hours=3))
    fresh = quiet(alice)
    client.force_login(maria)
    url = digest.digest_content(day=timezone.localdate()).overdue_url
    page = client.get(url.removeprefix(django_settings.SITE_URL.rstrip("/"))).content.decode()
    assert late.reference in page
    assert fresh.reference not in page


def test_escalations_are_the_escalated_complaints_newest_first_those_of_the_last_24_hours_new(
    alice: Any, maria: Any
) -> None:
    # A medium complaint's apology is due 4 h after it is logged; managers are alerted 12 h after that.
    with time_machine.travel(T0 - timedelta(hours=10), tick=False):
        recent = quiet(alice)  # alerted at T0 + 6 h: escalated by a person only
    escalate(recent, by=alice, to=maria, at=T0 - timedelta(hours=5))
    with time_machine.travel(T0 - timedelta(days=4), tick=False):
        old_open = atoned(alice, T0 - timedelta(days=4))  # the follow-up is due in three days
    escalate(old_open, by=alice, to=maria, at=T0 - timedelta(days=3))
    with time_machine.travel(T0 - timedelta(hours=18), tick=False):
        auto = quiet(alice)  # overdue past the grace since T0 - 2 h
    with time_machine.travel(T0 - timedelta(hours=46), tick=False):
        auto_old = quiet(alice)  # since T0 - 30 h
    with time_machine.travel(T0 - timedelta(hours=20), tick=False):
        done_since = quiet(alice)  # past the grace at T0 - 4 h, apology done since: no longer escalated
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        complaint_apologize(complaint=done_since, user=alice)
    with time_machine.travel(T0 - timedelta(hours=2), tick=False):
        quiet(alice)  # never escalated
    # Escalated by a person this morning and closed since: not escalated any more.
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        old_closed = atoned(alice, T0 - timedelta(days=5))
    old_closed = escalate(old_closed, by=alice, to=maria, at=T0 - timedelta(hours=3))
    with time_machine.travel(T0 - timedelta(hours=2), tick=False):
        c = complaint_follow_up(complaint=old_closed, user=maria, satisfaction=3, retained=False)
        complaint_close(complaint=c, user=maria)

    content = digest.digest_content(day=DAY, now=T0)

    assert (content.escalations.count, content.escalated_recently) == (4, 2)
    assert refs(content.escalations) == [auto.reference, recent.reference, auto_old.reference, old_open.reference]
    assert [row.is_new for row in content.escalations.rows] == [True, True, False, False]
    assert content.escalations.rows[0].detail == "escalated automatically (overdue) Tue 24 Nov 06:00"
    assert content.escalations.rows[1].detail == "escalated to Maria Moreno Tue 24 Nov 03:00"
    assert content.escalations.rows[1].owner_name == "Maria Moreno"


def test_follow_ups_due_today_are_those_due_within_the_local_day(alice: Any) -> None:
    with time_machine.travel(T0, tick=False):
        afternoon = atoned(alice, local(-7, 14))
        early = atoned(alice, local(-7, 0, 30))  # due 00:30 today: due today (and overdue)
        atoned(alice, local(-6, 10))  # due tomorrow
        atoned(alice, local(-8, 23, 30))  # due yesterday 23:30
        quiet(alice, received_at=T0 - timedelta(hours=1))  # apology due today: not a follow-up

    content = digest.digest_content(day=DAY, now=T0)

    assert content.follow_ups.count == 2
    assert refs(content.follow_ups) == [early.reference, afternoon.reference]
    assert content.follow_ups.rows[1].detail == "due Tue 24 Nov 14:00"


def test_yesterdays_outcomes_count_retained_and_lost(alice: Any) -> None:
    morning = closed_at(alice, local(-1, 10), retained=True)
    night = closed_at(alice, local(-1, 23, 50), retained=False)
    closed_at(alice, local(-2, 15))  # two days ago
    closed_at(alice, local(0, 0, 10))  # today, after midnight

    content = digest.digest_content(day=DAY, now=T0)

    assert (content.outcomes.count, content.retained, content.lost) == (2, 1, 1)
    assert refs(content.outcomes) == [morning.reference, night.reference]
    assert content.outcomes.rows[1].detail == "Lost, closed Mon 23 Nov 23:50"


def test_empty_sections_say_so(maria: Any) -> None:
    with time_machine.travel(T0, tick=False):
        content = digest.digest_content(day=DAY)
        message = digest.digest_message(content, digest=ManagerDigest(pk=1, recipient=maria, day=DAY))
    text = message.body
    for line in (
        "No overdue steps.",
        "No escalations.",
        "No follow-ups due today.",
        "No complaints were closed yesterday.",
    ):
        assert line in text
        assert line in cast(str, message.alternatives[0][0])
    assert message.subject == "[CareDesk] Daily digest for Tue 24 Nov: 0 overdue, 0 escalations"


@pytest.mark.parametrize("per_section", [1, 30])
def test_content_takes_a_fixed_number_of_queries(
    per_section: int, alice: Any, maria: Any, django_assert_num_queries: Any
) -> None:
    customer = cast(Customer, CustomerFactory(name="Queried Customer"))
    category = Category.objects.get(name="Delivery")

    def make(**fields: Any) -> Complaint:
        values: dict[str, Any] = {
            "customer": customer,
            "channel": Channel.PHONE,
            "category": category,
            "severity": Severity.MEDIUM,
            "summary": "Bulk",
            "received_at": T0 - timedelta(days=10),
            "round_started_at": T0 - timedelta(days=10),
            "logged_by": alice,
            "owner": alice,
            "step_due_at": T0 + timedelta(hours=1),
        }
        values.update(fields)
        return Complaint(**values)

    n = per_section
    Complaint.objects.bulk_create(
        [make(step_due_at=T0 - timedelta(minutes=i + 1)) for i in range(n)]
        + [make(escalated_at=T0 - timedelta(hours=1), escalated_to=maria, owner=maria) for _ in range(n)]
        + [make(stage=Stage.FOLLOW_UP, step_due_at=local(0, 15)) for _ in range(n)]
        + [
            make(
                stage=Stage.CLOSED,
                step_due_at=None,
                outcome=Outcome.RETAINED if i % 2 else Outcome.LOST,
                closed_at=local(-1, 12),
            )
            for i in range(n)
        ]
        # Overdue past the grace: escalated automatically (and overdue).
        + [make(step_due_at=T0 - timedelta(hours=15), step_escalates_at=T0 - timedelta(hours=3)) for _ in range(n)]
    )

    # Eight for recovery's sections, one for the overdue-training line training registers.
    with django_assert_num_queries(9):
        content = digest.digest_content(day=DAY, now=T0)

    shown = min(n, digest.ROWS_SHOWN)
    assert (content.overdue.count, len(content.overdue.rows)) == (2 * n, min(2 * n, digest.ROWS_SHOWN))
    assert (content.escalations.count, len(content.escalations.rows)) == (2 * n, min(2 * n, digest.ROWS_SHOWN))
    assert (content.follow_ups.count, len(content.follow_ups.rows)) == (n, shown)
    assert (content.outcomes.count, len(content.outcomes.rows)) == (n, shown)
    assert content.retained + content.lost == n
    assert content.overdue.more == 2 * n - min(2 * n, digest.ROWS_SHOWN)


# --- the email ----------------------------------------------------------------------------------------


PAYLOAD = "<script>alert(1)</script>"


def test_email_subject_has_counts_only_and_html_is_escaped(alice: Any, maria: Any, mailoutbox: list[Any]) -> None:
    with time_machine.travel(T0, tick=False):
        shown = overdue_by(alice, timedelta(hours=2), name=PAYLOAD)
        overdue_by(alice, timedelta(hours=1), name="Line\nBreak <b>bold</b>")
        overdue_by(alice, timedelta(hours=1, minutes=30))
        escalate(quiet(alice), by=alice, to=maria, at=T0)
        assert digest.digests_schedule() == 1
        [(pk, attempt)] = claim_all()
        assert digest_sending.digest_deliver(digest_id=pk, attempt=attempt) == "sent"

    [message] = mailoutbox
    assert message.subject == "[CareDesk] Daily digest for Tue 24 Nov: 3 overdue, 1 escalation"
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert message.to == ["maria@example.com"]
    assert message.extra_headers["X-CareDesk-Digest"] == str(pk)
    html = cast(str, message.alternatives[0][0])
    assert_shown_escaped(html, PAYLOAD)
    assert "Line Break &lt;b&gt;bold&lt;/b&gt;" in html  # on one line
    assert "Line Break <b>bold</b> · Apologize" in message.body
    assert f"/complaints/{shown.pk}/" in html
    assert "/complaints/?overdue=on&amp;sort=due" in html
    assert PAYLOAD in message.body  # plain text shows it as typed
    assert "Hello Maria Moreno," in message.body
    assert "No follow-ups due today." in message.body
    digest_row = ManagerDigest.objects.get(pk=pk)
    assert (digest_row.status, digest_row.attempts, digest_row.lease_expires_at) == (ReminderStatus.SENT, 1, None)
    assert digest_row.sent_at == T0
    # A digest is about no single complaint: no timeline events.
    assert not ComplaintEvent.objects.filter(kind__in=[EventKind.REMINDER_SENT, EventKind.REMINDER_FAILED]).exists()


# --- scheduling and claiming ------------------------------------------------------------------------------


def test_one_digest_per_manager_with_an_address_from_the_digest_hour(
    alice: Any, bob: Any, maria: Any, olivia: Any, settings: Any
) -> None:
    settings.DIGEST_HOUR = 7
    mike = manager_user(username="mike")
    manager_user(username="noaddress", email="")
    manager_user(username="gone", is_active=False)

    with time_machine.travel(local(0, 6, 59), tick=False):
        assert digest.digests_schedule() == 0
        assert claim_all() == []
    assert not ManagerDigest.objects.exists()

    with time_machine.travel(local(0, 7), tick=False):
        assert digest.digests_schedule() == 2
        assert digest.digests_schedule() == 2  # again: still one each
    rows = ManagerDigest.objects.all()
    assert sorted((d.recipient_id, d.day, d.status) for d in rows) == [
        (maria.pk, DAY, ReminderStatus.PENDING),
        (mike.pk, DAY, ReminderStatus.PENDING),
    ]

    with time_machine.travel(local(0, 11), tick=False):
        digest.digests_schedule()
        claimed = claim_all()
        digest.digests_schedule()
    assert ManagerDigest.objects.count() == 2
    assert sorted(pk for pk, _ in claimed) == sorted(d.pk for d in rows)
    assert {attempt for _, attempt in claimed} == {1}


def test_earlier_days_unsent_digests_are_cancelled(maria: Any, settings: Any) -> None:
    settings.DIGEST_HOUR = 7
    sent = ManagerDigest.objects.create(
        recipient=maria, day=DAY - timedelta(days=3), status=ReminderStatus.SENT, sent_at=T0 - timedelta(days=3)
    )
    pending = ManagerDigest.objects.create(recipient=maria, day=DAY - timedelta(days=2))
    claimed = ManagerDigest.objects.create(
        recipient=maria,
        day=DAY - timedelta(days=1),
        status=ReminderStatus.CLAIMED,
        attempts=1,
        lease_expires_at=T0 - timedelta(hours=1),
    )

    with time_machine.travel(local(0, 6), tick=False):  # before the hour: the old ones are moot anyway
        assert digest.digests_schedule() == 0
        assert claim_all() == []

    statuses = dict(ManagerDigest.objects.values_list("pk", "status"))
    assert statuses == {
        sent.pk: ReminderStatus.SENT,
        pending.pk: ReminderStatus.CANCELLED,
        claimed.pk: ReminderStatus.CANCELLED,
    }
    assert digest_sending.digest_deliver(digest_id=claimed.pk, attempt=1) == "stale"


def test_a_stale_claim_stands_down_and_an_expired_lease_is_claimed_again(
    maria: Any, settings: Any, mailoutbox: list[Any]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        digest.digests_schedule()
        [(pk, first)] = claim_all()
        assert claim_all() == []  # the lease holds

        # The worker holding the claim died; after the lease the next scan claims it again.
        clock.shift(timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1))
        [(again, second)] = claim_all()
        assert (again, second) == (pk, first + 1)
        assert digest_sending.digest_deliver(digest_id=pk, attempt=first) == "stale"
        assert mailoutbox == []
        assert digest_sending.digest_deliver(digest_id=pk, attempt=second) == "sent"
        assert digest_sending.digest_deliver(digest_id=pk, attempt=second) == "stale"
        assert claim_all() == []
    assert len(mailoutbox) == 1


def test_a_digest_whose_lease_keeps_running_out_is_given_up_after_the_attempt_cap(
    maria: Any, settings: Any, mailoutbox: list[Any]
) -> None:
    settings.REMINDER_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False) as clock:
        digest.digests_schedule()
        lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        # Each send dies with its worker (nothing is delivered); the scan after the lease claims it again.
        [(pk, _)] = claim_all()
        for _ in range(2):
            clock.shift(lease)
            assert [p for p, _ in claim_all()] == [pk]
        assert ManagerDigest.objects.get(pk=pk).attempts == 3

        # The third lease runs out too: the cap is reached, so the scan fails it instead of a fourth claim.
        clock.shift(lease)
        assert claim_all() == []
        row = ManagerDigest.objects.get(pk=pk)
        assert row.status == ReminderStatus.FAILED
        assert row.lease_expires_at is None
        assert row.last_error == "Gave up after 3 attempts: the send never finished (its worker kept stopping)."
        clock.shift(lease)
        assert claim_all() == []
    assert mailoutbox == []


def test_a_manager_who_lost_the_role_or_address_gets_none(maria: Any, mailoutbox: list[Any]) -> None:
    mike = manager_user(username="mike")
    with time_machine.travel(T0, tick=False):
        digest.digests_schedule()
        claimed = claim_all()
        assert len(claimed) == 2
        maria.groups.clear()
        mike.email = ""
        mike.save(update_fields=["email"])
        for pk, attempt in claimed:
            assert digest_sending.digest_deliver(digest_id=pk, attempt=attempt) == "cancelled"
    assert set(ManagerDigest.objects.values_list("status", flat=True)) == {ReminderStatus.CANCELLED}
    assert mailoutbox == []


# --- through the real broker, worker and SMTP server ------------------------------------------------------


@pytest.fixture
def smtp(smtp: SmtpServer, settings: Any) -> SmtpServer:
    """The shared loopback SMTP server (tests/celery_services.py), at an hour today's digest is owed."""
    settings.DIGEST_HOUR = 0
    return smtp


def all_sent() -> bool:
    return not ManagerDigest.objects.exclude(status=ReminderStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_dispatch_sends_each_manager_exactly_one_digest(alice: Any, maria: Any, worker: None, smtp: SmtpServer) -> None:
    mike = manager_user(username="mike", first_name="Mike", last_name="Mills")
    manager_user(username="noaddress", email="")
    overdue_by(alice, timedelta(hours=2), name=PAYLOAD)

    tasks.dispatch_manager_digests.delay()  # what beat does every five minutes, through the broker

    received = smtp.wait_for(2)
    wait_until(lambda: ManagerDigest.objects.count() == 2 and all_sent())
    assert sorted(m.rcpt_tos for m in received) == [("maria@example.com",), ("mike@example.com",)]
    rows = {d.recipient_id: d for d in ManagerDigest.objects.all()}
    assert set(rows) == {maria.pk, mike.pk}
    for message in received:
        row = rows[maria.pk if message.rcpt_tos == ("maria@example.com",) else mike.pk]
        assert message.message["X-CareDesk-Digest"] == str(row.pk)
        assert row.attempts == 1
        assert "1 overdue, 0 escalations" in message.subject
        assert_shown_escaped(message.part("text/html"), PAYLOAD)
    assert "Hello Mike Mills," in next(m for m in received if m.rcpt_tos == ("mike@example.com",)).part("text/plain")

    # The next scans find nothing more to do: still exactly one email each.
    assert tasks.dispatch_manager_digests() == 0
    tasks.dispatch_manager_digests.delay()
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 2
    assert ManagerDigest.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_smtp_down_then_up_is_retried_and_delivered_once(
    maria: Any, worker: None, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 20
    smtp.stop()

    assert tasks.dispatch_manager_digests() == 1

    # The claim (attempt 1) and at least one retry (attempt 2, 3) fail while the server is down.
    row = ManagerDigest.objects.get()
    wait_until(lambda: ManagerDigest.objects.get(pk=row.pk).attempts >= 3)
    row.refresh_from_db()
    assert row.status == ReminderStatus.CLAIMED
    assert "Connection" in row.last_error or "refused" in row.last_error
    smtp.start()

    [received] = smtp.wait_for(1, timeout=30)
    wait_until(lambda: ManagerDigest.objects.get(pk=row.pk).status == ReminderStatus.SENT)
    assert received.rcpt_tos == ("maria@example.com",)
    row.refresh_from_db()
    assert row.attempts >= 3
    assert row.last_error == ""
    assert tasks.dispatch_manager_digests() == 0
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_retries_exhausted_marks_failed_with_the_reason(
    maria: Any, smtp: SmtpServer, settings: Any, monkeypatch: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 2
    # Recorded directly: a Celery worker started by an earlier test reconfigures logging, hiding caplog's.
    warnings: list[str] = []
    monkeypatch.setattr(digest_sending.logger, "warning", lambda msg, *args: warnings.append(msg % args))
    smtp.stop()
    digest.digests_schedule()
    [(pk, attempt)] = claim_all()

    # apply() runs the task here; its retries run here too, one after the other.
    assert tasks.send_manager_digest.apply(args=(pk, attempt)).get() == "failed"

    row = ManagerDigest.objects.get(pk=pk)
    assert row.status == ReminderStatus.FAILED
    assert row.attempts == 3  # the claim and two retries
    assert "refused" in row.last_error.lower() or "connection" in row.last_error.lower()
    [warning] = warnings
    assert warning.startswith(f"Digest {pk} failed (attempt 3): ")
    assert claim_all() == []


def test_with_only_front_line_staff_no_digest_is_owed(alice: Any, bob: Any) -> None:
    front_line_user(username="carol")
    with time_machine.travel(T0, tick=False):
        assert digest.digests_schedule() == 0
        assert claim_all() == []
    assert not ManagerDigest.objects.exists()
    UserFactory(username="root", is_superuser=True)  # the administrator is not a manager: no digest either
    with time_machine.travel(T0, tick=False):
        assert digest.digests_schedule() == 0
    assert not ManagerDigest.objects.exists()
