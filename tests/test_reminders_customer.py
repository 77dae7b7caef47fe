"""The acknowledgement to the customer, and staff's per-complaint switch for customer emails."""

from __future__ import annotations

from typing import Any, cast

import pytest

from common.errors import DomainError
from customers.models import Customer
from recovery import tasks
from recovery.models import Complaint, ComplaintEvent, EventKind, Reminder, ReminderKind, ReminderStatus
from recovery.notifications import sending
from recovery.timeline import describe
from recovery.workflow import complaint_set_customer_emails
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, log_complaint
from tests.smtp import SmtpServer

ACK = ReminderKind.ACKNOWLEDGEMENT


def make_customer(**kwargs: Any) -> Customer:
    return cast(Customer, CustomerFactory(**kwargs))


def acks(complaint: Any) -> list[Reminder]:
    return list(Reminder.objects.filter(complaint=complaint, kind=ACK))


def claim_all() -> list[tuple[int, int]]:
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    return claimed


@pytest.mark.django_db
def test_logging_owes_a_consenting_customer_one_acknowledgement(alice: Any) -> None:
    customer = make_customer(email="dana@example.org", consents_to_contact=True)
    c = log_complaint(user=alice, customer=customer)
    [row] = acks(c)
    assert (row.status, row.recipient, row.recipient_email, row.round) == (
        ReminderStatus.PENDING,
        None,
        "dana@example.org",
        1,
    )
    assert row.due_at <= c.created_at


@pytest.mark.django_db
@pytest.mark.parametrize("customer_kwargs", [{"consents_to_contact": False}, {"email": ""}])
def test_no_acknowledgement_without_consent_or_address(alice: Any, customer_kwargs: dict[str, Any]) -> None:
    c = log_complaint(user=alice, customer=make_customer(**customer_kwargs))
    assert acks(c) == []


@pytest.mark.django_db
def test_switching_customer_emails_off_cancels_and_is_on_the_timeline(alice: Any, bob: Any, maria: Any) -> None:
    c = log_complaint(user=alice)
    with pytest.raises(DomainError):
        complaint_set_customer_emails(complaint=c, user=bob, enabled=False)  # not the owner

    off = complaint_set_customer_emails(complaint=c, user=alice, enabled=False, expected_version=c.version)
    assert (off.customer_emails_enabled, off.version) == (False, c.version + 1)
    assert [r.status for r in acks(c)] == [ReminderStatus.CANCELLED]
    [edited] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.EDITED)
    assert edited.actor == alice
    assert describe(edited, {}).changes == [("Email the customer", "On", "Off")]

    # Unchanged: no event. A manager may switch them on again; the acknowledgement is not revived.
    complaint_set_customer_emails(complaint=c, user=alice, enabled=False)
    on = complaint_set_customer_emails(complaint=c, user=maria, enabled=True)
    assert on.customer_emails_enabled
    assert ComplaintEvent.objects.filter(complaint=c, kind=EventKind.EDITED).count() == 2
    assert [r.status for r in acks(c)] == [ReminderStatus.CANCELLED]


@pytest.mark.django_db(transaction=True)
def test_consenting_customer_gets_one_acknowledgement_with_the_reference(
    alice: Any, worker: None, smtp: SmtpServer
) -> None:
    customer = make_customer(name="Dana <Day>", email="dana@example.org", consents_to_contact=True)
    c = log_complaint(user=alice, customer=customer)
    # Refused when typed now; stored directly, as older data may hold it: it must not reach the email either.
    Complaint.objects.filter(pk=c.pk).update(summary="Late\nSubject: injected")
    silent = [
        log_complaint(user=alice, customer=make_customer(email="no@example.org", consents_to_contact=False)),
        log_complaint(user=alice, customer=make_customer(email="", consents_to_contact=True)),
        complaint_set_customer_emails(
            complaint=log_complaint(user=alice, customer=make_customer(email="off@example.org")),
            user=alice,
            enabled=False,
        ),
    ]
    [row] = acks(c)

    tasks.dispatch_due_reminders.delay()
    tasks.dispatch_due_reminders.delay()
    [received] = smtp.wait_for(1)
    wait_until(lambda: Reminder.objects.get(pk=row.pk).status == ReminderStatus.SENT)
    assert tasks.dispatch_due_reminders() == 0
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come

    assert len(smtp.messages) == 1
    assert received.rcpt_tos == ("dana@example.org",)
    assert received.subject == f"[CareDesk] Complaint {c.reference}: we have your complaint"
    text, html = received.part("text/plain"), received.part("text/html")
    assert c.reference in text
    assert c.reference in html
    assert "Dear Dana <Day>," in text
    assert "Dana &lt;Day&gt;" in html
    assert "in touch by" in text
    assert "injected" not in text
    [event] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.REMINDER_SENT)
    assert (event.actor, event.payload["to"], event.payload["reminder"]) == (None, "dana@example.org", ACK)
    assert "emailed the customer the acknowledgement" in describe(event, {}).text
    for other in silent:
        assert not Reminder.objects.filter(complaint=other, kind=ACK).exclude(status=ReminderStatus.CANCELLED).exists()
        assert not ComplaintEvent.objects.filter(complaint=other, kind=EventKind.REMINDER_SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_consent_withdrawn_after_logging_cancels_at_send_time(alice: Any, smtp: SmtpServer) -> None:
    customer = make_customer(email="erin@example.org", consents_to_contact=True)
    c = log_complaint(user=alice, customer=customer)
    [row] = acks(c)
    [(pk, attempt)] = [(pk, attempt) for pk, attempt in claim_all() if pk == row.pk]
    customer.consents_to_contact = False
    customer.save()
    assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "cancelled"
    assert Reminder.objects.get(pk=pk).status == ReminderStatus.CANCELLED
    assert smtp.messages == []
