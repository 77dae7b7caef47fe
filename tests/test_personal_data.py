"""A customer's personal data: the export holds everything, the erasure removes it all and no figure moves.

Built on tests/helpers/personal_data.py: Carla Núñez's complaints at every kind of stage, an
acknowledgement sent through the real sender to a loopback SMTP server, emails still owed, a survey
answered and one sent but unanswered, atonement costs, notes, an edit, an escalation, a skip, a reopen.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.errors import DomainError
from customers.models import Customer, CustomerGroup, DataRequestKind, PersonalDataRecord
from customers.personal_data.erasure import ERASED, customer_erase
from customers.personal_data.export import FORMAT, customer_export
from customers.selectors import customer_figures, customer_picker, customer_search
from customers.services import customer_update
from recovery.dashboard import (
    DashboardFilters,
    corrective_actions,
    dashboard_compute,
    default_filters,
    month_so_far,
    monthly_trend,
)
from recovery.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    RecoveryAction,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Survey,
)
from recovery.notifications import sending
from recovery.search import search_complaints
from recovery.selectors import complaints_visible_to
from recovery.surveys import SurveyLinkError, survey_open
from recovery.timeline import describe
from recovery.workflow import StaleComplaintError, WorkflowError, complaint_add_note, complaint_edit
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.personal_data import SECRETS, World, build_world
from tests.helpers.workflow import snapshot
from tests.smtp import SmtpServer


@pytest.fixture
def world(alice: Any, maria: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any) -> World:
    built = build_world(alice=alice, maria=maria, capture_on_commit=django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 1  # the acknowledgement of the closed complaint really went out
    return built


def erase(world: World, user: Any, **kwargs: Any) -> Customer:
    values = {"reason": "Asked in writing on 1 Dec 2026 (request 17)", "confirmation": "ERASE", **kwargs}
    return customer_erase(customer=world.carla, user=user, **values)


def figures(filters: DashboardFilters, now: Any) -> dict[str, Any]:
    """Every figure the dashboard shows, as plain data, without when it was computed or how long it took."""
    board = dataclasses.asdict(dashboard_compute(filters, now=now))
    board.pop("computed_at")
    board.pop("seconds")
    return board


def rows_about(customer: Customer) -> str:
    """Return every stored row about the customer and their complaints, serialised, to search for what remains."""
    complaints = Complaint.objects.filter(customer=customer)
    objects = [
        *Customer.objects.filter(pk=customer.pk),
        *complaints,
        *RecoveryAction.objects.filter(complaint__in=complaints),
        *ComplaintEvent.objects.filter(complaint__in=complaints),
        *Reminder.objects.filter(complaint__in=complaints),
        *Survey.objects.filter(complaint__in=complaints),
        *PersonalDataRecord.objects.filter(customer=customer),
    ]
    return serializers.serialize("json", objects)


# --- erasure: the figures stay -------------------------------------------------------------------------------


def review(now: Any) -> tuple[Any, ...]:
    """The monthly review's own figures for the month in progress: the trend and the corrective actions."""
    today = timezone.localdate(now)
    filters = month_so_far(today.replace(day=1), today=today)
    board = dashboard_compute(filters, now=now)
    causes = [row.key for row in board.root_causes]
    return monthly_trend(filters, last_month=today.replace(day=1)), corrective_actions(filters, causes), causes


def test_erasing_leaves_every_dashboard_figure_exactly_as_it_was(world, maria, alice):
    now = timezone.now() + timedelta(minutes=1)
    views = [
        default_filters(now),
        DashboardFilters(start=(now - timedelta(days=365)).date(), end=now.date()),
        dataclasses.replace(default_filters(now), group=CustomerGroup.END_USER),
        dataclasses.replace(default_filters(now), handler_id=alice.pk),
    ]
    before = [figures(f, now) for f in views]
    review_before = review(now)
    page_before = customer_figures(maria, world.carla)
    # The data is not trivial: the figures count Carla's complaints, costs, a survey and the reopened one.
    assert before[0]["figures"]["received"]["value"] == 5
    assert before[0]["figures"]["closed"]["value"] == 1
    assert before[0]["figures"]["atonement_cost"]["value"] == 25
    assert before[0]["figures"]["escalated_now"]["value"] == 1

    erase(world, maria)

    assert [figures(f, now) for f in views] == before
    assert review(now) == review_before
    assert review_before[1]  # the corrective action of the closed complaint is listed, before and after
    assert customer_figures(maria, Customer.objects.get(pk=world.carla.pk)) == page_before


# --- erasure: nothing of the person is left -------------------------------------------------------------------


def test_erasing_replaces_every_trace_of_the_person_and_touches_no_one_else(world, maria):
    assert all(secret.casefold() in rows_about(world.carla).casefold() for secret in SECRETS[:3])
    others_before = rows_about(world.other)

    erased = erase(world, maria)

    stored = rows_about(erased).casefold()
    for secret in SECRETS:
        assert secret.casefold() not in stored, secret
    assert (erased.name, erased.email, erased.phone, erased.phone_normalized) == (
        f"Erased customer {erased.pk}",
        "",
        "",
        "",
    )
    assert (erased.organization, erased.staff_user, erased.consents_to_contact) == (None, None, False)
    assert erased.is_erased
    closed = Complaint.objects.get(pk=world.closed.pk)
    assert (closed.summary, closed.description, closed.desired_remedy) == (ERASED, ERASED, ERASED)
    # The organisation's own findings stay: the dashboard groups root causes, the review lists actions.
    assert (closed.root_cause, closed.corrective_action) == ("Van not chilled", "Cool box")
    answered = Survey.objects.get(complaint=world.closed)
    assert (answered.comment, answered.satisfaction, answered.would_return) == (ERASED, 4, True)
    assert rows_about(world.other) == others_before


def test_the_erasure_is_recorded_with_who_when_and_why_and_nothing_erased(world, maria):
    erase(world, maria, reason="Request 17, received 1 Dec 2026")
    [record] = PersonalDataRecord.objects.filter(customer=world.carla)
    assert (record.kind, record.actor, record.reason, record.complaints) == (
        DataRequestKind.ERASED,
        maria,
        "Request 17, received 1 Dec 2026",
        4,
    )
    assert record.created_at == Customer.objects.get(pk=world.carla.pk).erased_at
    # Each of her complaints says so on its timeline, who and when only: the reason stays on the record.
    lines = ComplaintEvent.objects.filter(complaint__customer=world.carla, kind=EventKind.DATA_ERASED)
    assert sorted((e.actor, e.created_at, e.payload) for e in lines) == [(maria, record.created_at, {})] * 4
    [line] = [e for e in lines if e.complaint_id == world.closed.pk]
    assert (
        describe(line, {}).text
        == "Maria Moreno erased the customer’s personal data (the reason is on the customer’s page)"
    )


def test_the_old_name_email_phone_and_text_find_nothing_afterwards(world, maria):
    searches = ["Carla", "nunez", "carla.nunez@example.org", "07700 900348", "+447700900348", "wedding cake"]
    visible = complaints_visible_to(maria)
    for text in searches:
        assert search_complaints(visible, text).filter(customer=world.carla).exists(), text
    assert customer_search(text="Núñez").filter(pk=world.carla.pk).exists()

    erase(world, maria)

    for text in [*searches, "Nunez Catering"]:
        assert not search_complaints(visible, text).filter(customer=world.carla).exists(), text
        assert not customer_search(text=text).filter(pk=world.carla.pk).exists(), text
        assert customer_picker(text).customers == []
    # Found as what they are now, but never offered for a new complaint.
    assert customer_search(text="Erased customer").get() == Customer.objects.get(pk=world.carla.pk)
    assert customer_picker("Erased customer").customers == []
    assert search_complaints(visible, "Dora").get() == world.others


def test_emails_owed_are_cancelled_and_sent_ones_keep_no_address(world, maria, smtp):
    emails = Reminder.objects.filter(complaint__customer=world.carla, kind__in=["acknowledgement", "customer_survey"])
    claimed_ack = Reminder.objects.get(complaint=world.new, kind=ReminderKind.ACKNOWLEDGEMENT)
    assert claimed_ack.status == ReminderStatus.CLAIMED  # claimed by the scan, not sent yet
    assert emails.filter(kind=ReminderKind.CUSTOMER_SURVEY, status=ReminderStatus.PENDING).exists()

    erase(world, maria)

    assert set(emails.values_list("status", flat=True)) == {ReminderStatus.SENT, ReminderStatus.CANCELLED}
    assert emails.get(complaint=world.closed, kind=ReminderKind.ACKNOWLEDGEMENT).status == ReminderStatus.SENT
    assert set(emails.values_list("recipient_email", flat=True)) == {"erased@erased.invalid"}
    assert emails.get(status=ReminderStatus.SENT).sent_to == ERASED
    # The claim taken before the erasure stands down: nothing more is sent.
    assert sending.reminder_deliver(reminder_id=claimed_ack.pk, attempt=claimed_ack.attempts) == "stale"
    assert len(smtp.messages) == 1
    # A survey link already in the customer's mailbox leads nowhere now.
    with pytest.raises(SurveyLinkError):
        survey_open(world.unanswered_token)


def test_the_erasure_cannot_be_undone_edited_exported_or_repeated(world, maria, alice):
    erased = erase(world, maria)

    with pytest.raises(DomainError, match="erased"):
        customer_update(customer=erased, user=maria, name="Carla Núñez")
    with pytest.raises(DomainError, match="nothing left to export"):
        customer_export(customer=erased, user=maria)
    with pytest.raises(DomainError, match="already erased"):
        erase(world, maria)
    with pytest.raises(WorkflowError, match="erased"):
        log_complaint(user=alice, customer=erased)
    assert Customer.objects.get(pk=erased.pk).name == f"Erased customer {erased.pk}"
    assert PersonalDataRecord.objects.filter(customer=erased).count() == 1


def test_a_form_opened_before_the_erasure_cannot_write_the_old_text_back(world, maria, alice):
    version = Complaint.objects.get(pk=world.new.pk).version
    erase(world, maria)
    with pytest.raises(StaleComplaintError):
        complaint_edit(complaint=world.new, user=alice, expected_version=version, summary="Carla's wedding cake melted")
    assert Complaint.objects.get(pk=world.new.pk).summary == ERASED


@pytest.mark.parametrize(
    ("changes", "match", "field"),
    [
        ({"reason": ""}, "Say why", "reason"),
        ({"reason": "   "}, "Say why", "reason"),
        ({"reason": "x" * 1001}, "1,000 characters", "reason"),
        ({"reason": "bad\x00byte"}, "control character", "reason"),
        ({"confirmation": ""}, "Type ERASE", "confirmation"),
        ({"confirmation": "yes"}, "Type ERASE", "confirmation"),
    ],
)
def test_an_erasure_without_a_reason_or_the_typed_word_is_refused_and_stores_nothing(
    world, maria, changes, match, field
):
    before, rows = snapshot(), rows_about(world.carla)
    with pytest.raises(DomainError, match=match) as refused:
        erase(world, maria, **changes)
    assert refused.value.field == field
    assert (snapshot(), rows_about(world.carla)) == (before, rows)


def test_only_managers_erase_or_export(world, alice, olivia):
    rows = rows_about(world.carla)
    for person in (alice, olivia):
        with pytest.raises(DomainError, match="Only a manager"):
            erase(world, person)
        with pytest.raises(DomainError, match="Only a manager"):
            customer_export(customer=world.carla, user=person)
    assert rows_about(world.carla) == rows


def test_an_employee_can_be_erased_and_their_complaints_stay_confidential(marks_complaint, maria, alice, bob):
    employee = marks_complaint.customer
    customer_erase(customer=employee, user=maria, reason="Left the company; asked on 2 Dec", confirmation="erase")
    erased = Customer.objects.get(pk=employee.pk)
    assert (erased.group, erased.staff_user, erased.name) == (
        CustomerGroup.EMPLOYEE,
        None,
        f"Erased customer {erased.pk}",
    )
    assert Complaint.objects.get(pk=marks_complaint.pk).summary == ERASED
    assert complaints_visible_to(alice).filter(pk=marks_complaint.pk).exists()  # its owner
    assert not complaints_visible_to(bob).filter(pk=marks_complaint.pk).exists()


# --- export ---------------------------------------------------------------------------------------------------


def test_the_export_holds_everything_in_the_documented_shape(world, maria):
    data = json.loads(json.dumps(customer_export(customer=world.carla, user=maria), default=str))

    assert set(data) == {"format", "exported_at", "exported_by", "customer", "complaints", "emails"}
    assert (data["format"], data["exported_by"]) == (FORMAT, "Maria Moreno")
    assert data["customer"] | {"id": 0, "added_at": ""} == {
        "id": 0,
        "name": "Carla Núñez",
        "email": "carla.nunez@example.org",
        "phone": "07700 900348",
        "organisation": "Nunez Catering",
        "group": "End-user",
        "consents_to_contact": True,
        "staff_account": None,
        "added_at": "",
    }
    references = [c["reference"] for c in data["complaints"]]
    assert references == [c.reference for c in (world.closed, world.new, world.follow_up, world.reopened)]
    closed = data["complaints"][0]
    assert closed["summary"] == "Carla's wedding cake melted in the van"
    assert [s["step"] for s in closed["steps"]] == ["Apologize", "Reinstate", "Empathize", "Atone", "Follow up"]
    assert closed["steps"][3]["atonement_value"] == "25.00"
    assert closed["steps"][4]["customer_comment"] == "Carla is happy again"
    assert closed["surveys"] == [
        closed["surveys"][0]
        | {"round": 1, "satisfaction": 4, "would_return": True, "comment": "Carla Núñez: thank you"}
    ]
    timeline = " | ".join(line["text"] for line in closed["timeline"])
    assert "Carla prefers a call after six" in timeline
    assert "emailed the customer the acknowledgement" in timeline
    follow_up = data["complaints"][2]
    assert follow_up["escalation_reason"] == "Carla threatens to post about the wedding cake"
    assert follow_up["steps"][1]["skip_reason"] == "Carla did not want another cake"
    emails = {(e["complaint"], e["kind"], e["status"]): e for e in data["emails"]}
    sent = emails[(world.closed.reference, "Acknowledgement to the customer", "Sent")]
    assert (sent["to"], sent["subject"]) == ("carla.nunez@example.org", None)
    assert sent["sent_at"] is not None
    assert (world.follow_up.reference, "Follow-up survey to the customer", "Pending") in emails
    assert "Dora" not in json.dumps(data)


def test_the_export_is_recorded_for_the_customer(world, maria):
    customer_export(customer=world.carla, user=maria)
    [record] = PersonalDataRecord.objects.filter(customer=world.carla)
    assert (record.kind, record.actor, record.complaints, record.reason) == (DataRequestKind.EXPORTED, maria, 4, "")
    lines = ComplaintEvent.objects.filter(complaint__customer=world.carla, kind=EventKind.DATA_EXPORTED)
    assert sorted((e.complaint_id, e.actor, e.created_at) for e in lines) == sorted(
        (pk, maria, record.created_at)
        for pk in Complaint.objects.filter(customer=world.carla).values_list("pk", flat=True)
    )
    assert describe(lines[0], {}).text == "Maria Moreno downloaded the customer’s personal data"


@pytest.mark.parametrize("count", [1, 12])
def test_the_export_takes_the_same_queries_however_many_complaints(alice, maria, count):
    customer = cast(Customer, CustomerFactory(name="Eve Many"))
    for _ in range(count):
        log_complaint(user=alice, customer=customer)
    with CaptureQueriesContext(connection) as queries:
        data = customer_export(customer=customer, user=maria)
    assert len(data["complaints"]) == count
    # The transaction's savepoint and its release, the manager's permissions (2), the complaints, their steps,
    # timelines and surveys, the emails, the record of the export and its line on every complaint's timeline:
    # eleven, with 1 complaint or 12.
    assert len(queries) == 11, [q["sql"][:80] for q in queries]


@pytest.mark.parametrize("count", [1, 12])
def test_the_erasure_takes_the_same_queries_however_many_complaints(alice, maria, count):
    customer = cast(Customer, CustomerFactory(name="Eve Many"))
    for _ in range(count):
        complaint = log_complaint(user=alice, customer=customer)
        complaint_add_note(complaint=complaint, user=alice, text="Eve rang back")
    with CaptureQueriesContext(connection) as queries:
        customer_erase(customer=customer, user=maria, reason="Request 18", confirmation="ERASE")
    assert Complaint.objects.filter(customer=customer, summary=ERASED).count() == count
    # The savepoint and its release, the manager's permissions (2), the customer and the complaints locked,
    # the complaints, steps and surveys updated, the timeline read and rewritten, the emails cancelled and
    # readdressed, the customer saved, the record written and a line added to every complaint's timeline:
    # sixteen, with 1 complaint or 12.
    assert len(queries) == 16, [q["sql"][:80] for q in queries]
