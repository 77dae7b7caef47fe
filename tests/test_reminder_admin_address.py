"""The reminder admin shows the address an email actually went to, recorded when it was sent.

An email to the customer is addressed when it is sent (the customer's address then), so the address
noted when it was scheduled can be out of date; an escalation goes to whoever manages when it is
sent. The send records the addresses it used, and the admin shows them; an unsent email shows where
it would go now.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_update
from recovery import tasks
from recovery.models import Reminder, ReminderKind, ReminderStatus
from recovery.notifications import sending
from tests.celery_services import wait_until
from tests.factories import CustomerFactory, UserFactory, log_complaint, manager_user
from tests.helpers.pages import text
from tests.smtp import SmtpServer

OLD, NEW, NEWER = "dana.old@example.org", "dana.new@example.org", "dana.newer@example.org"


def admin_pages(reminder: Reminder) -> tuple[str, str]:
    """Return the words of the reminder's row in the admin's list, and of its own admin page."""
    client = Client()
    administrator: Any = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(administrator)
    query = {"q": reminder.complaint.reference, "kind__exact": reminder.kind}
    listing = client.get(reverse("admin:recovery_reminder_changelist"), query)
    assert listing.status_code == 200
    [row] = re.findall(r"<tr[^>]*>.*?</tr>", listing.content.decode().split("<tbody>", 1)[1], re.S)
    page = client.get(reverse("admin:recovery_reminder_change", args=[reminder.pk]))
    assert page.status_code == 200
    return text(row), text(page.content.decode())


def acknowledgement_for(alice: Any) -> Reminder:
    customer: Any = CustomerFactory(name="Dana Day", email=OLD, consents_to_contact=True)
    complaint = log_complaint(user=alice, customer=customer)
    return Reminder.objects.get(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)


@pytest.mark.django_db(transaction=True)
def test_after_an_address_change_the_admin_shows_the_address_the_email_went_to(
    alice: Any, worker: None, smtp: SmtpServer
) -> None:
    ack = acknowledgement_for(alice)
    customer_update(customer=ack.complaint.customer, user=alice, email=NEW)

    tasks.dispatch_due_reminders.delay()
    [received] = smtp.wait_for(1)
    wait_until(lambda: Reminder.objects.get(pk=ack.pk).status == ReminderStatus.SENT)
    assert received.rcpt_tos == (NEW,)
    # The customer moves again later: the admin still says where this email went.
    customer_update(customer=ack.complaint.customer, user=alice, email=NEWER)

    row, page = admin_pages(Reminder.objects.get(pk=ack.pk))
    for words in (row, page):
        assert NEW in words
        assert OLD not in words
        assert NEWER not in words


@pytest.mark.django_db
def test_an_unsent_email_to_the_customer_shows_where_it_would_go_now(alice: Any) -> None:
    ack = acknowledgement_for(alice)
    customer_update(customer=ack.complaint.customer, user=alice, email=NEW)

    row, page = admin_pages(ack)

    for words in (row, page):
        assert NEW in words
        assert OLD not in words


@pytest.mark.django_db(transaction=True)
def test_an_escalation_records_every_manager_it_went_to(alice: Any, maria: Any, smtp: SmtpServer) -> None:
    mark = manager_user(username="mark", email="mark@example.com")
    complaint = log_complaint(user=alice)
    escalation = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ESCALATION)
    Reminder.objects.filter(pk=escalation.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    [attempt] = [attempt for pk, attempt in claimed if pk == escalation.pk]

    assert sending.reminder_deliver(reminder_id=escalation.pk, attempt=attempt) == "sent"

    [received] = smtp.wait_for(1)
    assert set(received.rcpt_tos) == {maria.email, mark.email}
    row, page = admin_pages(Reminder.objects.get(pk=escalation.pk))
    for words in (row, page):
        assert f"{maria.email}, {mark.email}" in words
