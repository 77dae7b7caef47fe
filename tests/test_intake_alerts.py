"""The emails intake owes: the front line warned of a complaint nobody takes, the owner told the customer wrote.

Both are `Reminder` rows sent by the one sending loop (recovery/notifications/sending.py) to a real SMTP
server on loopback; they are claimed and delivered here directly, as the beat and the worker would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from customers.models import CustomerGroup
from intake.services import public_complaint_submit
from recovery.models import Complaint, Reminder, ReminderKind, ReminderStatus
from recovery.notifications import sending
from recovery.workflow import complaint_customer_wrote, complaint_take
from tests.factories import front_line_user
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


def _file() -> Complaint:
    return public_complaint_submit(
        name="Pat Public",
        email="pat@example.org",
        phone="",
        group=CustomerGroup.END_USER,
        what_happened="The heater stopped working.",
        desired_remedy="",
        consents_to_contact=False,  # no acknowledgement: only the staff's emails here
    )


def _deliver_due(*, now: Any, kind: str) -> list[str]:
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)), now=now)
    wanted = set(Reminder.objects.filter(pk__in=[pk for pk, _ in claimed], kind=kind).values_list("pk", flat=True))
    return [sending.reminder_deliver(reminder_id=pk, attempt=attempt) for pk, attempt in claimed if pk in wanted]


def test_an_inbox_complaint_nobody_takes_warns_every_front_line_colleague_once(
    alice: Any, bob: Any, maria: Any, smtp: SmtpServer, settings: Any
) -> None:
    front_line_user(username="nomail", email="")
    complaint = _file()
    row = Reminder.objects.get(complaint=complaint, kind=ReminderKind.INBOX_UNOWNED)
    assert row.due_at == complaint.received_at + timedelta(minutes=settings.INBOX_ALERT_MINUTES)

    assert _deliver_due(now=timezone.now(), kind=ReminderKind.INBOX_UNOWNED) == []  # not yet
    later = row.due_at + timedelta(minutes=1)
    assert _deliver_due(now=later, kind=ReminderKind.INBOX_UNOWNED) == ["sent"]
    [message] = [m for m in smtp.messages if "still in the inbox" in m.subject]
    assert sorted(message.rcpt_tos) == sorted([alice.email, bob.email, maria.email])
    assert complaint.reference in message.part("text/plain")
    assert "/inbox/" in message.part("text/plain")
    assert _deliver_due(now=later + timedelta(hours=1), kind=ReminderKind.INBOX_UNOWNED) == []  # once


def test_the_warning_goes_to_the_configured_address_instead(alice: Any, smtp: SmtpServer, settings: Any) -> None:
    settings.INBOX_ALERT_EMAIL = "complaints-team@example.org"
    complaint = _file()
    due = Reminder.objects.get(complaint=complaint, kind=ReminderKind.INBOX_UNOWNED).due_at
    assert _deliver_due(now=due + timedelta(minutes=1), kind=ReminderKind.INBOX_UNOWNED) == ["sent"]
    [message] = [m for m in smtp.messages if "still in the inbox" in m.subject]
    assert message.rcpt_tos == ("complaints-team@example.org",)


def test_taking_it_in_time_means_no_warning(alice: Any, smtp: SmtpServer) -> None:
    complaint = _file()
    row = Reminder.objects.get(complaint=complaint, kind=ReminderKind.INBOX_UNOWNED)
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED
    assert _deliver_due(now=row.due_at + timedelta(minutes=1), kind=ReminderKind.INBOX_UNOWNED) == []
    assert not [m for m in smtp.messages if "still in the inbox" in m.subject]


def test_the_owner_is_told_what_the_customer_wrote(alice: Any, smtp: SmtpServer) -> None:
    complaint = _file()
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    complaint_customer_wrote(complaint=complaint, text="It is freezing <b>here</b>.", via="status_page")
    assert _deliver_due(now=timezone.now(), kind=ReminderKind.CUSTOMER_WROTE) == ["sent"]
    [message] = [m for m in smtp.messages if "the customer wrote" in m.subject]
    assert message.rcpt_tos == (alice.email,)
    assert "It is freezing <b>here</b>." in message.part("text/plain")  # the plain-text part, as written
    assert "&lt;b&gt;" in message.part("text/html")  # and escaped in the HTML part
