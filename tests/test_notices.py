"""The new owner is told at once: a complaint escalated to a manager, or handed to a colleague.

Each hand-over owes one email, a Reminder row due now (kinds `escalated` and `assigned`) tied to the
hand-over's timeline event, claimed and sent like any reminder (so it is never lost and never doubled).
And one rule for the escalated flag: a complaint is escalated while it is with the manager it was
escalated to; handing it to anyone else ends the escalation (the timeline keeps it).
"""

from __future__ import annotations

import importlib
from typing import Any, cast

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from recovery import tasks
from recovery.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Stage,
)
from recovery.notifications import sending
from recovery.timeline import describe
from recovery.workflow import complaint_assign, complaint_close, complaint_escalate
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, log_complaint, manager_user
from tests.helpers.workflow import advance
from tests.smtp import SmtpServer

ESCALATED = ReminderKind.ESCALATED
ASSIGNED = ReminderKind.ASSIGNED


def quiet(user: Any, **kwargs: Any) -> Any:
    """A complaint whose customer gets no emails, so only staff emails are owed."""
    return log_complaint(user=user, customer=cast(Customer, CustomerFactory(consents_to_contact=False)), **kwargs)


def notices(complaint: Any, kind: str | None = None) -> list[Reminder]:
    rows = Reminder.objects.filter(complaint=complaint, kind__in=[kind] if kind else [ESCALATED, ASSIGNED])
    return list(rows.order_by("pk"))


def send_now(reminder: Reminder) -> str:
    """Claim due reminders as beat does and deliver this one here (locmem backend)."""
    sending.reminders_claim_due(enqueue=lambda pk, attempt: None)
    reminder.refresh_from_db()
    return sending.reminder_deliver(reminder_id=reminder.pk, attempt=reminder.attempts)


# --- what is owed --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_escalating_owes_the_manager_one_email_now(alice: Any, maria: Any) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a manager")
    [notice] = notices(c)
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.ESCALATED)
    assert (notice.kind, notice.recipient, notice.recipient_email, notice.event) == (
        ESCALATED,
        maria,
        "maria@example.com",
        event,
    )
    assert notice.status == ReminderStatus.PENDING
    assert notice.due_at <= timezone.now()


@pytest.mark.django_db
def test_reassigning_owes_the_colleague_one_email_now(alice: Any, bob: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    [notice] = notices(c)
    assert (notice.kind, notice.recipient, notice.recipient_email) == (ASSIGNED, bob, "bob@example.com")
    assert notice.event == ComplaintEvent.objects.get(complaint=c, kind=EventKind.ASSIGNED)


@pytest.mark.django_db
def test_each_hand_over_owes_its_own_email_even_at_the_same_step(alice: Any, bob: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    c = complaint_assign(complaint=c, user=bob, to=alice)
    c = complaint_assign(complaint=c, user=alice, to=bob)
    assert [(n.recipient, n.step) for n in notices(c)] == [(bob, "apologize"), (alice, "apologize"), (bob, "apologize")]


@pytest.mark.django_db
def test_nobody_is_told_about_a_complaint_they_took_themselves(alice: Any, maria: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=maria, to=maria)
    assert notices(c) == []


@pytest.mark.django_db
def test_one_notice_per_hand_over_is_a_database_rule(alice: Any, bob: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    [notice] = notices(c)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            complaint=c,
            kind=ASSIGNED,
            round=1,
            step="apologize",
            due_at=timezone.now(),
            recipient=bob,
            event=notice.event,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            complaint=c, kind=ASSIGNED, round=1, step="apologize", due_at=timezone.now(), recipient=bob
        )


# --- sending ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_escalation_email_names_who_escalated_and_why(alice: Any, maria: Any) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a <b>manager</b>")
    mail.outbox.clear()
    assert send_now(notices(c)[0]) == "sent"
    [message] = mail.outbox
    assert message.to == ["maria@example.com"]
    assert message.subject == f"[CareDesk] Complaint {c.reference}: escalated to you"
    assert "Alice Archer escalated complaint" in message.body
    assert "Wants a <b>manager</b>" in message.body
    assert "Wants a &lt;b&gt;manager&lt;/b&gt;" in str(cast(mail.EmailMultiAlternatives, message).alternatives[0][0])
    assert f"You get this because complaint {c.reference} was escalated to you." in message.body
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_SENT)
    assert describe(event, {}).text == "CareDesk told maria@example.com that the complaint was escalated to them"


@pytest.mark.django_db
def test_the_hand_over_email_says_who_handed_it_over(alice: Any, bob: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    mail.outbox.clear()
    assert send_now(notices(c)[0]) == "sent"
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert message.subject == f"[CareDesk] Complaint {c.reference}: handed to you"
    assert "Alice Archer handed complaint" in message.body
    assert "Apologize" in message.body  # where it stands
    assert f"You get this because complaint {c.reference} was handed to you." in message.body


@pytest.mark.django_db
def test_a_notice_for_someone_who_no_longer_owns_it_is_cancelled_at_send_time(alice: Any, bob: Any, maria: Any) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)
    first = notices(c)[0]
    complaint_assign(complaint=c, user=maria, to=alice)  # handed on again before the email went out
    mail.outbox.clear()
    assert send_now(first) == "cancelled"
    assert mail.outbox == [] or all(m.to != ["bob@example.com"] for m in mail.outbox)
    assert Reminder.objects.get(pk=first.pk).status == ReminderStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_manager_once_when_a_complaint_is_escalated(
    alice: Any, maria: Any, worker: None, smtp: SmtpServer
) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Threatens to leave")
    [notice] = notices(c)

    tasks.dispatch_due_reminders.delay()  # what beat does every minute

    [received] = smtp.wait_for(1)
    wait_until(lambda: Reminder.objects.get(pk=notice.pk).status == ReminderStatus.SENT)
    assert received.rcpt_tos == ("maria@example.com",)
    assert received.subject == f"[CareDesk] Complaint {c.reference}: escalated to you"
    assert "Threatens to leave" in received.part("text/plain")
    assert tasks.dispatch_due_reminders() == 0
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_colleague_a_complaint_is_handed_to(
    alice: Any, bob: Any, worker: None, smtp: SmtpServer
) -> None:
    c = complaint_assign(complaint=quiet(alice), user=alice, to=bob)

    tasks.dispatch_due_reminders.delay()

    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ("bob@example.com",)
    assert received.subject == f"[CareDesk] Complaint {c.reference}: handed to you"
    wait_until(lambda: notices(c)[0].status == ReminderStatus.SENT)


# --- the escalated flag ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_handing_an_escalated_complaint_back_ends_the_escalation(alice: Any, maria: Any) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a manager")
    c = complaint_assign(complaint=c, user=maria, to=alice)

    stored = Complaint.objects.get(pk=c.pk)
    assert (stored.is_escalated, stored.escalated_to, stored.escalation_reason) == (False, None, "")
    # The timeline keeps the escalation and says the hand-back ended it.
    kinds = list(ComplaintEvent.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ESCALATED, EventKind.ASSIGNED]
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.ASSIGNED)
    assert describe(event, {}).text == (
        "Maria Moreno handed the complaint to Alice Archer, which ended its escalation to Maria Moreno"
    )
    # And it no longer counts as escalated: the list's filter and the front line may close it.
    assert not Complaint.objects.filter(pk=c.pk, escalated_at__isnull=False).exists()
    c = advance(c, alice, Stage.CLOSE)
    assert complaint_close(complaint=c, user=alice).stage == Stage.CLOSED


@pytest.mark.django_db
def test_handing_an_escalated_complaint_to_another_manager_ends_it_too(alice: Any, maria: Any) -> None:
    mark = manager_user(username="mark", first_name="Mark", last_name="Mills")
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a manager")
    c = complaint_assign(complaint=c, user=maria, to=mark)
    assert (c.owner, c.is_escalated) == (mark, False)


@pytest.mark.django_db
def test_the_migration_ends_escalations_handed_on_before_the_rule(alice: Any, maria: Any) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a manager")
    kept = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Still with her")
    Complaint.objects.filter(pk=c.pk).update(owner=alice)  # handed back under the old rule
    migration = importlib.import_module("recovery.migrations.0011_hand_over_notices")

    migration.end_handed_on_escalations(django_apps, None)

    stored, still = Complaint.objects.get(pk=c.pk), Complaint.objects.get(pk=kept.pk)
    assert (stored.is_escalated, stored.escalated_to, stored.version) == (False, None, c.version + 1)
    assert (still.is_escalated, still.escalated_to) == (True, maria)


@pytest.mark.django_db
def test_the_complaint_page_states_the_rule(client: Any, alice: Any, maria: Any) -> None:
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Wants a manager")
    client.force_login(maria)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "stays escalated while Maria Moreno has it" in html
    assert "Reassigning it ends the escalation" in html
    c = complaint_assign(complaint=c, user=maria, to=alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "Escalated to" not in html
