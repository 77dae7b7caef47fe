"""Complaints customers file themselves: received into the inbox, taken (race-safe), assigned, written to."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from customers.models import Customer, CustomerGroup
from intake.selectors import inbox_count, inbox_for
from intake.services import complaint_file, public_complaint_submit, summary_from
from intake.suggest import suggest
from recovery.models import Category, Complaint, ComplaintEvent, EventKind, Reminder, ReminderKind, Severity, Stage
from recovery.permissions import allowed_actions
from recovery.workflow import (
    WorkflowError,
    complaint_apologize,
    complaint_customer_wrote,
    complaint_take,
)
from tests.factories import CustomerFactory, log_complaint

pytestmark = pytest.mark.django_db


def _file(**overrides: Any) -> Complaint:
    data: dict[str, Any] = {
        "name": "Pat Public",
        "email": "pat@example.org",
        "phone": "",
        "group": CustomerGroup.END_USER,
        "what_happened": "My parcel arrived broken. The box was crushed and the vase inside smashed.",
        "desired_remedy": "A replacement vase",
        "consents_to_contact": True,
    }
    data.update(overrides)
    return public_complaint_submit(**data)


def test_a_public_complaint_lands_unowned_in_the_inbox_with_the_apology_due_from_arrival(starter_data: None) -> None:
    arrived = timezone.now()
    with time_machine.travel(arrived, tick=False):
        complaint = _file()
    assert complaint.owner is None
    assert complaint.logged_by is None
    assert complaint.channel == "web"
    assert complaint.stage == Stage.APOLOGIZE
    assert complaint.summary == "My parcel arrived broken."
    assert complaint.round_started_at == arrived
    assert complaint.step_due_at is not None
    assert complaint.step_due_at > arrived
    logged = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.LOGGED)
    assert logged.actor is None
    assert logged.payload["suggested"]["severity"] in Severity.values
    kinds = set(Reminder.objects.filter(complaint=complaint).values_list("kind", flat=True))
    # Nobody owns it, so no step reminders to an owner: the front line's inbox alert, the escalation, the ack.
    assert kinds == {ReminderKind.INBOX_UNOWNED, ReminderKind.ESCALATION, ReminderKind.ACKNOWLEDGEMENT}


def test_the_inbox_lists_the_most_severe_first_then_the_newest(alice: Any) -> None:
    low = _file(what_happened="A small scratch on the lid.")
    newer_low = _file(what_happened="Another small scratch.", email="x@example.org")
    Complaint.objects.filter(pk=low.pk).update(severity=Severity.LOW, received_at=timezone.now() - timedelta(hours=1))
    Complaint.objects.filter(pk=newer_low.pk).update(severity=Severity.LOW)
    critical = _file(what_happened="The heater caught fire.", email="y@example.org")
    Complaint.objects.filter(pk=critical.pk).update(severity=Severity.CRITICAL)
    assert [c.pk for c in inbox_for(alice)] == [critical.pk, newer_low.pk, low.pk]
    assert inbox_count(alice) == 3


def test_an_employees_complaint_in_the_inbox_is_seen_by_managers_only(alice: Any, maria: Any) -> None:
    confidential = _file(group=CustomerGroup.EMPLOYEE, what_happened="My manager shouts at me.")
    assert confidential.customer.group == CustomerGroup.EMPLOYEE
    assert list(inbox_for(alice)) == []
    assert inbox_count(alice) == 0
    assert [c.pk for c in inbox_for(maria)] == [confidential.pk]
    with pytest.raises(WorkflowError, match="does not exist"):
        complaint_take(complaint=confidential, user=alice, category=confidential.category, severity="medium")


def test_saying_you_work_here_never_matches_a_customer_on_file_who_does_not(starter_data: None) -> None:
    on_file: Customer = CustomerFactory.create(email="same@example.org", group=CustomerGroup.END_USER)
    complaint = _file(email="same@example.org", group=CustomerGroup.EMPLOYEE)
    assert complaint.customer.pk != on_file.pk
    assert complaint.customer.group == CustomerGroup.EMPLOYEE


def test_a_customer_on_file_is_matched_by_email_and_not_changed(starter_data: None) -> None:
    on_file: Customer = CustomerFactory.create(name="Real Name", email="carla@example.org", consents_to_contact=False)
    complaint = _file(name="Someone Else", email="CARLA@example.org", group=CustomerGroup.SUPPLIER)
    assert complaint.customer.pk == on_file.pk
    on_file.refresh_from_db()
    assert on_file.name == "Real Name"
    assert on_file.consents_to_contact is True  # consent given now is recorded
    assert Customer.objects.count() == 1


def test_no_consent_means_no_emails_to_the_customer(starter_data: None) -> None:
    complaint = _file(consents_to_contact=False)
    assert complaint.customer_emails_enabled is False
    assert not Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT).exists()


def test_steps_wait_for_an_owner(alice: Any, maria: Any) -> None:
    complaint = _file()
    assert allowed_actions(alice, complaint).take
    assert not allowed_actions(alice, complaint).step
    assert not allowed_actions(maria, complaint).step
    with pytest.raises(WorkflowError, match="inbox"):
        complaint_apologize(complaint=complaint, user=maria, note="Sorry")


def test_taking_it_makes_it_mine_with_the_assessment_and_reminders_for_me(alice: Any) -> None:
    complaint = _file()
    billing = Category.objects.exclude(pk=complaint.category_id).first()
    assert billing is not None
    taken = complaint_take(complaint=complaint, user=alice, category=billing, severity=Severity.HIGH)
    assert taken.owner == alice
    assert taken.category == billing
    assert taken.severity == Severity.HIGH
    # Re-timed under the high severity's target, still counted from the arrival.
    assert taken.round_started_at == complaint.round_started_at
    event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.TAKEN)
    assert event.actor == alice
    assert "category" in event.payload["corrected"]
    active = Reminder.objects.filter(complaint=complaint, status__in=("pending", "claimed"))
    assert not active.filter(kind=ReminderKind.INBOX_UNOWNED).exists()
    assert active.filter(kind=ReminderKind.STEP_OVERDUE, recipient=alice).exists()
    assert inbox_count(alice) == 0
    complaint_apologize(complaint=taken, user=alice, note="Sorry about the vase")


def test_a_second_taker_is_told_who_has_it(alice: Any, bob: Any) -> None:
    complaint = _file()
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    with pytest.raises(WorkflowError, match="Alice Archer has just taken"):
        complaint_take(complaint=complaint, user=bob, category=complaint.category, severity=complaint.severity)


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_at_once_leave_one_owner(alice: Any, bob: Any) -> None:
    complaint = _file()
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def take(user: Any) -> None:
        try:
            barrier.wait()
            complaint_take(complaint=complaint.pk, user=user, category=complaint.category, severity=complaint.severity)
            results[user.username] = "took"
        except WorkflowError as exc:
            results[user.username] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in (alice, bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values(), key=len)[0] == "took"
    assert list(results.values()).count("took") == 1
    loser = next(v for v in results.values() if v != "took")
    assert "has just taken" in loser
    complaint.refresh_from_db()
    assert complaint.owner is not None
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.TAKEN).count() == 1


def test_only_a_manager_gives_an_inbox_complaint_to_someone_else(alice: Any, bob: Any, maria: Any) -> None:
    complaint = _file()
    with pytest.raises(WorkflowError, match="Only a manager"):
        complaint_take(complaint=complaint, user=alice, to=bob, category=complaint.category, severity="medium")
    complaint_take(complaint=complaint, user=maria, to=bob, category=complaint.category, severity="medium")
    complaint.refresh_from_db()
    assert complaint.owner == bob
    notice = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ASSIGNED)
    assert notice.recipient == bob


def test_what_the_customer_writes_lands_on_the_timeline_and_the_owner_is_told(alice: Any) -> None:
    complaint = _file()
    complaint_customer_wrote(complaint=complaint, text="Any news?", via="status_page")
    assert not Reminder.objects.filter(complaint=complaint, kind=ReminderKind.CUSTOMER_WROTE).exists()
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    version = Complaint.objects.get(pk=complaint.pk).version
    event = complaint_customer_wrote(complaint=complaint, text="Still waiting.", via="email")
    assert event.actor is None
    assert event.payload["text"] == "Still waiting."
    assert Reminder.objects.get(complaint=complaint, kind=ReminderKind.CUSTOMER_WROTE).recipient == alice
    assert Complaint.objects.get(pk=complaint.pk).version == version
    with pytest.raises(WorkflowError, match="Enter your message"):
        complaint_customer_wrote(complaint=complaint, text="   ", via="email")


def test_the_suggestion_follows_the_most_similar_earlier_complaints(alice: Any, customer: Any) -> None:
    delivery = Category.objects.get(name="Delivery")
    for text in ("Parcel arrived crushed", "Crushed parcel left in the rain", "Parcel never arrived"):
        log_complaint(user=alice, customer=customer, summary=text, category=delivery, severity=Severity.HIGH)
    suggestion = suggest(summary="My parcel arrived crushed", description="")
    assert suggestion.category == delivery
    assert suggestion.severity == Severity.HIGH
    assert len(suggestion.similar) == 3
    assert suggestion.basis == "from the 3 most similar earlier complaints"


def test_no_similar_complaint_falls_back_and_says_so(starter_data: None) -> None:
    suggestion = suggest(summary="Zyxwv qwerty", description="")
    assert suggestion.similar == []
    assert suggestion.severity == Severity.MEDIUM
    assert suggestion.basis == "no similar earlier complaint was found"


def test_the_summary_is_the_first_sentence_cut_at_a_word() -> None:
    assert summary_from("Late again. Second line.") == "Late again."
    long = "word " * 40
    assert summary_from(long).endswith("…")
    assert len(summary_from(long)) <= 81


def test_filing_needs_a_way_to_reply(starter_data: None) -> None:
    with pytest.raises(Exception, match="email address or a phone"):
        complaint_file(
            channel="web",
            name="X",
            consents_to_contact=True,
            summary="s",
            description="d",
        )
    assert not Complaint.objects.exists()


def test_erasing_the_customer_scrubs_what_their_emails_left_on_the_timeline(alice: Any, maria: Any) -> None:
    from customers.personal_data.erasure import customer_erase

    complaint = _file()
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    complaint_customer_wrote(
        complaint=complaint,
        text="See the photo.",
        via="email",
        details={"subject": "Re: my vase, Pat Public", "attachments": [{"name": "pat-public-vase.jpg", "size": 9}]},
    )
    from customers.personal_data.erasure import CONFIRMATION_WORD

    customer_erase(
        customer=complaint.customer,
        user=maria,
        reason="The customer asked, 3 Dec 2026.",
        confirmation=CONFIRMATION_WORD,
    )
    payload = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).payload
    assert "Pat" not in str(payload)
    assert payload["attachments"][0]["size"] == 9  # sizes say nothing about the person
