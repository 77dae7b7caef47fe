"""The managers' personal-data pages: the JSON download, the erasure's confirm page, the customer page's
buttons and record, and the admin refusing to delete customers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from customers.models import Customer, DataRequestKind, PersonalDataRecord
from customers.personal_data.erasure import ERASED
from recovery import surveys
from recovery.models import Complaint, Stage, Survey
from tests.factories import UserFactory, log_complaint
from tests.helpers.admin import admin_url
from tests.helpers.pages import assert_error_next_to, sign_in, text
from tests.helpers.workflow import bring_to, snapshot
from tests.xss import PAYLOADS, assert_shown_escaped

REASON = "Asked by letter, received 1 Dec 2026 (request 17)"


def export_url(customer: Any) -> str:
    return reverse("customers:customer_export", args=[customer.pk])


def erase_url(customer: Any) -> str:
    return reverse("customers:customer_erase", args=[customer.pk])


def detail_url(customer: Any) -> str:
    return reverse("customers:customer_detail", args=[customer.pk])


# --- who may -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "alice", "olivia"])
def test_only_managers_reach_the_download_and_the_erasure(client, request, complaint, persona):
    customer = complaint.customer
    sign_in(client, request, persona)
    before = snapshot()
    responses = [
        client.post(export_url(customer)),
        client.get(erase_url(customer)),
        client.post(erase_url(customer), {"reason": REASON, "confirmation": "ERASE"}),
    ]
    for response in responses:
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/login/?next=")
        else:
            assert response.status_code == 403
    assert snapshot() == before
    assert not PersonalDataRecord.objects.exists()
    assert Customer.objects.get(pk=customer.pk).name == customer.name


def test_an_unknown_customer_is_not_found(client, maria):
    client.force_login(maria)
    missing = type("Missing", (), {"pk": 999_999})()
    assert client.post(export_url(missing)).status_code == 404
    assert client.get(erase_url(missing)).status_code == 404


def test_the_download_is_a_post(client, maria, customer):
    client.force_login(maria)
    assert client.get(export_url(customer)).status_code == 405
    assert not PersonalDataRecord.objects.exists()


def test_the_customer_page_offers_managers_the_download_and_the_erasure(client, alice, maria, customer):
    client.force_login(alice)
    page = client.get(detail_url(customer)).text
    assert export_url(customer) not in page
    assert erase_url(customer) not in page

    client.force_login(maria)
    page = client.get(detail_url(customer)).text
    assert f'action="{export_url(customer)}"' in page
    assert "Download personal data (JSON)" in page
    assert f'href="{erase_url(customer)}"' in page


# --- the download --------------------------------------------------------------------------------------------


def test_the_download_is_a_json_attachment_with_a_safe_name_and_is_recorded(client, alice, maria, starter_data):
    customer = Customer.objects.create(name='Zoë "Quote" <x>; name=evil.exe', email="zoe@example.org", group="end_user")
    log_complaint(user=alice, customer=customer, summary="Ticket for Zoë")
    client.force_login(maria)

    response = client.post(export_url(customer))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="caredesk-customer-')
    assert disposition.endswith('.json"')
    assert "Zo" not in disposition
    assert "evil" not in disposition
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["customer"]["name"] == customer.name
    assert data["complaints"][0]["summary"] == "Ticket for Zoë"
    [record] = PersonalDataRecord.objects.all()
    assert (record.kind, record.actor) == (DataRequestKind.EXPORTED, maria)
    page = client.get(detail_url(customer)).text
    assert "Personal data requests" in page
    assert "Exported by Maria Moreno" in text(page)


@pytest.mark.parametrize("complaints", [1, 10])
def test_the_download_takes_a_fixed_number_of_queries(
    client, alice, maria, customer, django_assert_num_queries, complaints
):
    for _ in range(complaints):
        log_complaint(user=alice, customer=customer)
    client.force_login(maria)
    # The session and user, the customer, then the export's own eleven (tests/test_personal_data.py), the
    # same for 1 complaint or 10.
    with django_assert_num_queries(14):
        response = client.post(export_url(customer))
    assert len(json.loads(response.content)["complaints"]) == complaints


# --- the erasure ---------------------------------------------------------------------------------------------


def test_the_confirm_page_says_it_cannot_be_undone_before_asking(client, maria, complaint):
    client.force_login(maria)
    page = client.get(erase_url(complaint.customer)).text
    assert "This cannot be undone." in page
    assert page.index("This cannot be undone.") < page.index('name="confirmation"')
    assert "Type ERASE to confirm" in page
    assert "1 complaint" in text(page)


def test_a_refused_erasure_keeps_what_was_typed_says_why_and_changes_nothing(client, maria, complaint):
    client.force_login(maria)
    before = snapshot(complaint)

    response = client.post(erase_url(complaint.customer), {"reason": REASON, "confirmation": "yes please"})

    assert response.status_code == 200
    assert_error_next_to(response.text, "confirmation", "Type ERASE to confirm that this cannot be undone.")
    assert escape(REASON) in response.text
    assert snapshot(complaint) == before
    assert not Customer.objects.get(pk=complaint.customer_id).is_erased

    response = client.post(erase_url(complaint.customer), {"reason": "", "confirmation": "ERASE"})
    assert_error_next_to(response.text, "reason", "Say why the data is erased")
    assert snapshot(complaint) == before


def test_erasing_from_the_page_shows_who_when_and_why_and_offers_nothing_more(client, alice, maria, complaint):
    customer = complaint.customer
    client.force_login(maria)

    response = client.post(erase_url(customer), {"reason": REASON, "confirmation": "erase"}, follow=True)

    assert response.redirect_chain[-1][0] == detail_url(customer)
    page = text(response.text)
    assert "personal data was erased." in page
    assert "Personal data erased on" in page
    assert "by Maria Moreno" in page
    assert REASON in page
    assert customer.name not in response.text
    assert f"Erased customer {customer.pk}" in page
    for url in (export_url(customer), erase_url(customer), reverse("customers:customer_edit", args=[customer.pk])):
        assert url not in response.text
    assert Complaint.objects.get(pk=complaint.pk).summary == ERASED
    complaint_page = text(client.get(reverse("recovery:complaint_detail", args=[complaint.pk])).text)
    assert "Personal data erased on" in complaint_page
    assert f"Erased customer {customer.pk}" in complaint_page
    # Front line sees the fact too, and cannot edit the record back.
    client.force_login(alice)
    assert "Personal data erased on" in text(client.get(detail_url(customer)).text)
    edit = client.post(
        reverse("customers:customer_edit", args=[customer.pk]),
        {"name": customer.name, "group": customer.group, "email": customer.email},
    )
    assert edit.status_code == 302
    assert Customer.objects.get(pk=customer.pk).name == f"Erased customer {customer.pk}"
    # Asking again changes nothing and says so.
    client.force_login(maria)
    again = client.get(erase_url(customer))
    assert again.status_code == 302
    assert client.post(export_url(customer)).status_code == 302
    assert PersonalDataRecord.objects.filter(customer=customer).count() == 1


def test_an_erased_customer_cannot_be_picked_for_a_new_complaint(client, alice, maria, complaint):
    customer = complaint.customer
    client.force_login(maria)
    client.post(erase_url(customer), {"reason": REASON, "confirmation": "ERASE"})
    client.force_login(alice)
    picker = client.get(reverse("customers:customer_search"), {"q": "Erased"}, HTTP_HX_REQUEST="true")
    assert f"Erased customer {customer.pk}" not in picker.text


# --- the admin -----------------------------------------------------------------------------------------------


@pytest.fixture
def root(starter_data):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_admin_never_deletes_a_customer(client, root, complaint, customer):
    lonely = Customer.objects.create(name="No Complaints", group="end_user")
    client.force_login(root)
    for target in (customer, lonely):
        url = admin_url("customers.customer", "delete", target.pk)
        assert client.get(url).status_code == 403
        refused = client.post(url, {"post": "yes"})
        assert refused.status_code == 403
        assert "erases it from the customer" in refused.text
    changelist = client.get(admin_url("customers.customer", "changelist"))
    assert 'value="delete_selected"' not in changelist.text
    client.post(
        admin_url("customers.customer", "changelist"),
        {"action": "delete_selected", "_selected_action": [str(lonely.pk), str(customer.pk)], "post": "yes"},
    )
    assert Customer.objects.filter(pk__in=[lonely.pk, customer.pk]).count() == 2
    change = client.get(admin_url("customers.customer", "change", lonely.pk))
    assert admin_url("customers.customer", "delete", lonely.pk) not in change.text


def test_the_admin_shows_the_records_and_never_changes_or_deletes_them(client, root, maria, customer):
    client.force_login(maria)
    client.post(export_url(customer))
    record = PersonalDataRecord.objects.get()
    client.force_login(root)
    assert client.get(admin_url("customers.personaldatarecord", "changelist")).status_code == 200
    assert client.get(admin_url("customers.personaldatarecord", "delete", record.pk)).status_code == 403
    assert client.get(admin_url("customers.personaldatarecord", "add")).status_code == 403
    assert PersonalDataRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_reason_and_the_erased_page_show_typed_text_escaped(client, maria, complaint, payload):
    client.force_login(maria)
    refused = client.post(erase_url(complaint.customer), {"reason": payload, "confirmation": "no"})
    assert_shown_escaped(refused.text, payload)
    client.post(erase_url(complaint.customer), {"reason": payload, "confirmation": "ERASE"})
    assert_shown_escaped(client.get(detail_url(complaint.customer)).text, payload)


def test_a_survey_link_sent_before_the_erasure_leads_nowhere(client, alice, maria, customer):
    complaint = bring_to(log_complaint(user=alice, customer=customer), alice, Stage.FOLLOW_UP)
    survey = surveys.survey_invite(complaint=complaint)
    surveys.survey_mark_sent(complaint=complaint, at=survey.created_at)
    link = reverse("survey:survey", args=[surveys.survey_token(survey)])
    assert client.get(link).status_code == 200
    client.force_login(maria)
    client.post(erase_url(customer), {"reason": REASON, "confirmation": "ERASE"})
    client.logout()

    assert client.get(link).status_code == 404
    answer = client.post(link, {"satisfaction": "5", "would_return": "yes", "comment": "Carla again"})
    assert answer.status_code == 404
    assert Survey.objects.get(pk=survey.pk).answered_at is None
