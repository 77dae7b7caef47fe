"""The admin's one operator action on reminders: send the selected failed ones again.

Through the admin's changelist, as an administrator does it after fixing the cause (the SMTP server
was down): the failed reminder is due again and the next scan sends it; a sent or pending one is left
alone, so the action never doubles an email.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from recovery import tasks
from recovery.models import ComplaintEvent, EventKind, Reminder, ReminderKind, ReminderStatus
from recovery.notifications import sending
from tests.factories import CustomerFactory, UserFactory, log_complaint_at
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "admin:recovery_reminder_changelist"


def quiet_complaint(user: Any, *, ago: timedelta) -> Any:
    """A complaint logged `ago` before now for a customer who gets no email: only the owner's reminders."""
    customer = cast(Customer, CustomerFactory(consents_to_contact=False))
    return log_complaint_at(timezone.now() - ago, user=user, customer=customer)


def claim_due() -> list[tuple[int, int]]:
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    return claimed


def send_again(client: Client, *ids: int) -> Any:
    return client.post(
        reverse(CHANGELIST),
        {"action": "send_again", "_selected_action": [str(pk) for pk in ids], "index": "0"},
        follow=True,
    )


@pytest.fixture
def rows(alice: Any, smtp: SmtpServer, settings: Any) -> dict[str, Reminder]:
    """One reminder failed (the SMTP server was down), one sent, one still pending."""
    settings.REMINDER_MAX_RETRIES = 0
    # Medium severity: "apologise due soon" came due 30 minutes ago; "overdue" comes in 30 minutes.
    failing = quiet_complaint(alice, ago=timedelta(hours=3, minutes=30))
    smtp.stop()
    [(pk, attempt)] = claim_due()
    assert tasks.send_reminder.apply(args=(pk, attempt)).get() == "failed"
    smtp.start()

    quiet_complaint(alice, ago=timedelta(hours=3, minutes=30))
    [(sent_pk, sent_attempt)] = claim_due()
    assert sending.reminder_deliver(reminder_id=sent_pk, attempt=sent_attempt) == "sent"
    smtp.wait_for(1)

    pending = Reminder.objects.get(complaint=failing, kind=ReminderKind.STEP_OVERDUE, status=ReminderStatus.PENDING)
    return {
        "failed": Reminder.objects.get(pk=pk, status=ReminderStatus.FAILED),
        "sent": Reminder.objects.get(pk=sent_pk, status=ReminderStatus.SENT),
        "pending": pending,
    }


@pytest.fixture
def admin_client_for_root(starter_data: None) -> Client:
    client = Client()
    root: Any = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    return client


def test_a_failed_reminder_sent_again_from_the_admin_goes_out_at_the_next_scan(
    admin_client_for_root: Client, rows: dict[str, Reminder], smtp: SmtpServer
) -> None:
    failed = rows["failed"]
    before = {name: Reminder.objects.filter(pk=row.pk).values().get() for name, row in rows.items()}

    response = send_again(admin_client_for_root, *(row.pk for row in rows.values()))

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
    assert (
        "1 reminder(s) will be sent within a minute. 2 were skipped: only failed reminders can be sent again."
        in response.content.decode()
    )
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.PENDING
    assert failed.due_at <= timezone.now()
    assert failed.lease_expires_at is None
    # The sent and the pending one are exactly as they were.
    for name in ("sent", "pending"):
        assert Reminder.objects.filter(pk=rows[name].pk).values().get() == before[name]

    # The next scan claims it (and nothing else), and this time it is delivered.
    [(pk, attempt)] = claim_due()
    assert pk == failed.pk
    assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "sent"
    [_, received] = smtp.wait_for(2)
    assert received.rcpt_tos == ("alice@example.com",)
    assert received.subject == f"[CareDesk] Complaint {failed.complaint.reference}: Apologize is due soon"
    assert Reminder.objects.get(pk=pk).status == ReminderStatus.SENT
    assert ComplaintEvent.objects.filter(complaint=failed.complaint, kind=EventKind.REMINDER_SENT).count() == 1
    assert ComplaintEvent.objects.filter(complaint=failed.complaint, kind=EventKind.REMINDER_FAILED).count() == 1


def test_sending_a_sent_reminder_again_does_nothing(admin_client_for_root: Client, rows: dict[str, Reminder]) -> None:
    sent = rows["sent"]

    response = send_again(admin_client_for_root, sent.pk)

    assert "0 reminder(s) will be sent within a minute. 1 were skipped" in response.content.decode()
    assert Reminder.objects.get(pk=sent.pk).status == ReminderStatus.SENT
    assert claim_due() == []


def test_the_action_is_offered_on_the_reminder_list(admin_client_for_root: Client, rows: dict[str, Reminder]) -> None:
    response = admin_client_for_root.get(reverse(CHANGELIST), {"status__exact": ReminderStatus.FAILED})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="send_again">Send the selected failed reminders again</option>' in html
    assert f'value="{rows["failed"].pk}"' in html
    assert rows["failed"].kind == ReminderKind.STEP_DUE_SOON


def test_a_front_line_account_with_staff_status_cannot_send_again(
    alice: Any, rows: dict[str, Reminder], smtp: SmtpServer
) -> None:
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(alice)

    response = client.post(
        reverse(CHANGELIST), {"action": "send_again", "_selected_action": [str(rows["failed"].pk)], "index": "0"}
    )

    assert response.status_code == 404
    assert Reminder.objects.get(pk=rows["failed"].pk).status == ReminderStatus.FAILED
    assert claim_due() == []
    assert len(smtp.messages) == 1
