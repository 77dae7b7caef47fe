"""The administrator's admin: every page works, complaints change only through the workflow, the audit trail stays.

Who may open the admin at all is tested in test_admin_access.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, CustomerGroup
from recovery.models import Category, Complaint, ComplaintEvent, EventKind, RecoveryAction, RecoveryPolicy, Stage
from recovery.workflow import complaint_add_note, complaint_apologize, complaint_edit, complaint_reinstate
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory, log_complaint
from tests.helpers.admin import admin_url

MODELS = [
    "customers.organization",
    "customers.customer",
    "recovery.category",
    "recovery.recoverypolicy",
    "recovery.complaint",
    "recovery.recoveryaction",
    "recovery.complaintevent",
]
# The audit trail is written only by the workflow: there is no add page for it.
READ_ONLY = {"recovery.recoveryaction", "recovery.complaintevent"}


def client_for(user) -> Client:
    """Return a client signed in as `user`, with staff status."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(starter_data):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def worked_complaint(complaint, alice):
    """Alice's complaint with two steps done and a note: it has actions and events to show."""
    complaint_apologize(complaint=complaint, user=alice, note="Apologised on the phone.", minutes=5)
    complaint_reinstate(complaint=complaint, user=alice, note="Rebooked the delivery for Saturday.", minutes=20)
    complaint_add_note(complaint=complaint, user=alice, text="Customer prefers e-mail.")
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def one_of_each(worked_complaint):
    organization = OrganizationFactory(name="Harbour & Vale Trading")
    return {
        "customers.organization": organization,
        "customers.customer": CustomerFactory(group=CustomerGroup.DISTRIBUTOR, organization=organization),
        "recovery.category": Category.objects.get(name="Delivery"),
        "recovery.recoverypolicy": RecoveryPolicy.objects.get(severity="medium"),
        "recovery.complaint": worked_complaint,
        "recovery.recoveryaction": worked_complaint.actions.first(),
        "recovery.complaintevent": worked_complaint.events.first(),
    }


def change_data(complaint: Complaint, **overrides) -> dict[str, str]:
    """Return what the complaint's change form posts, with `overrides`."""
    data = {
        "channel": complaint.channel,
        "category": str(complaint.category_id),
        "severity": complaint.severity,
        "summary": complaint.summary,
        "description": complaint.description,
        "desired_remedy": complaint.desired_remedy,
        "root_cause": complaint.root_cause,
        "corrective_action": complaint.corrective_action,
        "expected_version": str(complaint.version),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def add_data(customer: Customer, **overrides) -> dict[str, str]:
    data = {
        "customer": str(customer.pk),
        "channel": "phone",
        "category": str(Category.objects.get(name="Billing").pk),
        "severity": "high",
        "summary": "Charged twice for one order",
        "description": "Two payments of £249.99 on the statement.",
        "desired_remedy": "Refund the duplicate payment.",
        "received_at_0": "",
        "received_at_1": "",
        "owner": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


# --- every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_every_admin_page_loads(superuser, model, one_of_each):
    client = client_for(superuser)
    obj = one_of_each[model]

    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == (403 if model in READ_ONLY else 200)


def test_the_complaint_page_shows_its_steps_and_timeline(superuser, worked_complaint):
    response = client_for(superuser).get(admin_url("recovery.complaint", "change", worked_complaint.pk))
    assert response.status_code == 200
    assert worked_complaint.reference in response.text
    assert "Rebooked the delivery for Saturday." in response.text
    assert "Customer prefers e-mail." in response.text


def test_the_complaint_list_makes_the_same_number_of_queries_for_1_and_50_rows(superuser, alice, customer):
    client = client_for(superuser)
    url = admin_url("recovery.complaint", "changelist")
    log_complaint(user=alice, customer=customer)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    for _ in range(49):
        log_complaint(user=alice)
    with CaptureQueriesContext(connection) as fifty_rows:
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("C-0") >= 50
    assert len(fifty_rows) == len(one_row)


def test_the_complaint_list_stays_within_its_query_budget(superuser, complaint, django_assert_max_num_queries):
    client = client_for(superuser)
    with django_assert_max_num_queries(12):
        assert client.get(admin_url("recovery.complaint", "changelist")).status_code == 200


# --- finding complaints ------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["C-{pk:06d}", "c{pk}", "{pk}", " C-{pk:06d} "])
def test_search_by_reference_finds_the_complaint(superuser, alice, customer, spelling):
    wanted = log_complaint(user=alice, customer=customer, summary="Wardrobe door hangs crooked")
    log_complaint(user=alice, customer=customer, summary="Kettle leaks from the base")

    response = client_for(superuser).get(
        admin_url("recovery.complaint", "changelist"), {"q": spelling.format(pk=wanted.pk)}
    )

    assert response.status_code == 200
    assert "Wardrobe door hangs crooked" in response.text
    assert "Kettle leaks from the base" not in response.text


def test_search_by_text_still_works(superuser, alice, customer):
    log_complaint(user=alice, customer=customer, summary="Wardrobe door hangs crooked")
    log_complaint(user=alice, customer=customer, summary="Kettle leaks from the base")

    response = client_for(superuser).get(admin_url("recovery.complaint", "changelist"), {"q": "kettle"})

    assert "Kettle leaks from the base" in response.text
    assert "Wardrobe door hangs crooked" not in response.text


# --- adding and changing complaints go through the workflow ----------------------------------------------------


def test_adding_a_complaint_logs_it_through_the_workflow(superuser, alice, customer):
    response = client_for(superuser).post(admin_url("recovery.complaint", "add"), add_data(customer, owner=alice.pk))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.summary == "Charged twice for one order"
    assert complaint.owner == alice
    assert complaint.logged_by == superuser
    assert complaint.stage == Stage.APOLOGIZE
    assert complaint.step_due_at is not None
    assert list(complaint.events.values_list("kind", flat=True)) == [EventKind.LOGGED]


def test_adding_a_complaint_for_a_colleague_at_an_earlier_time(superuser, bob, customer):
    received = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    data = add_data(
        customer,
        owner=str(bob.pk),
        received_at_0=received.strftime("%d/%m/%Y"),
        received_at_1=received.strftime("%H:%M:%S"),
    )

    response = client_for(superuser).post(admin_url("recovery.complaint", "add"), data)

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.owner, complaint.logged_by, complaint.received_at) == (bob, superuser, received)


def test_a_workflow_refusal_is_shown_next_to_its_field_and_nothing_is_stored(superuser, alice):
    alice_as_customer = cast(
        Customer, CustomerFactory(name="Alice Archer", group=CustomerGroup.EMPLOYEE, staff_user=alice)
    )

    response = client_for(superuser).post(
        admin_url("recovery.complaint", "add"), add_data(alice_as_customer, owner=alice.pk)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot handle their own complaint" in errors["owner"][0]
    assert "Charged twice for one order" in response.text  # what was typed is kept
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()


def test_a_future_received_time_is_refused(superuser, alice, customer):
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1))
    data = add_data(customer, owner=alice.pk, received_at_0=tomorrow.strftime("%d/%m/%Y"), received_at_1="10:00:00")

    response = client_for(superuser).post(admin_url("recovery.complaint", "add"), data)

    assert response.status_code == 200
    assert "cannot be in the future" in response.context["adminform"].form.errors["received_at"][0]
    assert not Complaint.objects.exists()


def test_editing_the_summary_writes_an_edited_event(superuser, complaint):
    url = admin_url("recovery.complaint", "change", complaint.pk)

    response = client_for(superuser).post(url, change_data(complaint, summary="Parcel arrived three days late"))

    assert response.status_code == 302
    edited = Complaint.objects.get(pk=complaint.pk)
    assert edited.summary == "Parcel arrived three days late"
    assert edited.version == complaint.version + 1
    event = edited.events.get(kind=EventKind.EDITED)
    assert event.actor == superuser
    assert event.payload["changes"] == {"summary": ["Parcel arrived two days late", "Parcel arrived three days late"]}


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("Parcel \x00 late", "Null characters are not allowed."),
        ("Parcel \x1b late", "control characters"),
        ("x" * 201, "at most 200 characters"),
        ("   ", "This field is required."),
    ],
)
def test_an_invalid_edit_is_shown_with_its_error_and_stores_nothing(superuser, complaint, summary, message):
    url = admin_url("recovery.complaint", "change", complaint.pk)

    response = client_for(superuser).post(url, change_data(complaint, summary=summary, description="Changed too"))

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["summary"][0]
    unchanged = Complaint.objects.get(pk=complaint.pk)
    assert (unchanged.summary, unchanged.description, unchanged.version) == (
        complaint.summary,
        complaint.description,
        complaint.version,
    )
    assert not unchanged.events.filter(kind=EventKind.EDITED).exists()


def test_an_edit_on_a_stale_form_is_refused_and_the_next_submit_goes_through(superuser, maria, complaint):
    url = admin_url("recovery.complaint", "change", complaint.pk)
    stale = change_data(complaint, description="Waited in twice; second time nobody called.")
    complaint_edit(complaint=complaint, user=maria, severity="high")
    client = client_for(superuser)

    response = client.post(url, stale)

    assert response.status_code == 200
    assert "changed by someone else" in response.text
    current = Complaint.objects.get(pk=complaint.pk)
    assert current.description == complaint.description
    assert response.context["adminform"].form["expected_version"].value() == str(current.version)

    again = client.post(url, {**stale, "severity": "high", "expected_version": str(current.version)})
    assert again.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).description == "Waited in twice; second time nobody called."


def test_workflow_fields_cannot_be_changed_through_the_admin(superuser, bob, complaint):
    url = admin_url("recovery.complaint", "change", complaint.pk)
    data = change_data(complaint, stage="closed", outcome="retained", round="5", version="99", owner=str(bob.pk))

    response = client_for(superuser).post(url, data)

    assert response.status_code == 302
    unchanged = Complaint.objects.get(pk=complaint.pk)
    assert (unchanged.stage, unchanged.outcome, unchanged.round, unchanged.version) == (Stage.APOLOGIZE, "", 1, 1)
    assert unchanged.owner == complaint.owner
    assert not unchanged.events.filter(kind=EventKind.EDITED).exists()


# --- the audit trail is never deleted -----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["recovery.complaint", "recovery.recoveryaction", "recovery.complaintevent"])
def test_nobody_can_delete_complaints_or_their_history(superuser, model, one_of_each):
    client = client_for(superuser)
    obj = one_of_each[model]

    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_complaints_cannot_be_bulk_deleted(superuser, one_of_each):
    client = client_for(superuser)
    complaint = one_of_each["recovery.complaint"]

    response = client.post(
        admin_url("recovery.complaint", "changelist"),
        {"action": "delete_selected", "_selected_action": [str(complaint.pk)], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert RecoveryAction.objects.filter(complaint=complaint).exists()


# --- customers go through their services ------------------------------------------------------------------


def test_adding_a_customer_goes_through_the_service(superuser):
    data = {
        "name": "  Priya Shah ",
        "group": CustomerGroup.PROSPECT,
        "organization": "",
        "email": "Priya.Shah@Example.org",
        "phone": "+44 7700 900123",
        "consents_to_contact": "on",
        "staff_user": "",
        "_save": "Save",
    }

    response = client_for(superuser).post(admin_url("customers.customer", "add"), data)

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.name, customer.email, customer.created_by) == ("Priya Shah", "priya.shah@example.org", superuser)


def test_a_customer_the_service_refuses_is_shown_with_the_error(superuser, bob):
    data = {
        "name": "Priya Shah",
        "group": CustomerGroup.END_USER,
        "email": "",
        "phone": "",
        "organization": "",
        "staff_user": str(bob.pk),
        "_save": "Save",
    }

    response = client_for(superuser).post(admin_url("customers.customer", "add"), data)

    assert response.status_code == 200
    assert "Only an employee can be linked to a staff account." in response.text
    assert not Customer.objects.exists()


def test_changing_a_customer_goes_through_the_service(superuser, customer):
    data = {
        "name": "Carla Customer-Jones",
        "group": customer.group,
        "email": "CARLA@example.org",
        "phone": customer.phone,
        "organization": "",
        "staff_user": "",
        "_save": "Save",
    }

    response = client_for(superuser).post(admin_url("customers.customer", "change", customer.pk), data)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.consents_to_contact) == (
        "Carla Customer-Jones",
        "carla@example.org",
        False,
    )


def test_the_complaint_admin_links_to_the_complaint_page(superuser, complaint):
    client = client_for(superuser)
    page = client.get(admin_url("recovery.complaint", "change", complaint.pk))
    assert "View on site" in page.text
    link = page.text.split('class="viewsitelink"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(link)["Location"] == "http://testserver" + reverse(
        "recovery:complaint_detail", args=[complaint.pk]
    )
