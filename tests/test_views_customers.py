"""The customer screens: the list with search and group filter, a customer's page with their complaints, and edit."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import Customer, CustomerGroup, Organization
from recovery.models import Outcome, Stage
from recovery.workflow import complaint_close, complaint_follow_up, complaint_reopen
from tests.factories import log_complaint
from tests.helpers.customers import new_customer, new_organization
from tests.helpers.pages import CONTROL, assert_error_next_to, assert_turned_away, get, sign_in
from tests.helpers.workflow import advance, closed
from tests.xss import PAYLOADS, assert_shown_escaped

SCREENS = [("customers:customer_list", False), ("customers:customer_detail", True), ("customers:customer_edit", True)]


def screen_args(name: str, needs_customer: bool, customer: Any) -> tuple[Any, ...]:
    return (customer.pk,) if needs_customer else ()


def listed_names(html: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold text-break" href="/customers/\d+/">([^<]*)</a>', html)


def stored(customer: Any) -> dict[str, Any]:
    return dict(Customer.objects.filter(pk=customer.pk).values().get())


# --- who may use the screens ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "needs_customer"), SCREENS)
@pytest.mark.parametrize("persona", ["alice", "maria"])
def test_staff_see_the_customer_screens(client, request, customer, persona, name, needs_customer):
    sign_in(client, request, persona)

    response = get(client, name, *screen_args(name, needs_customer, customer))

    assert response.status_code == 200
    assert escape(customer.name) in response.content.decode()


@pytest.mark.parametrize(("name", "needs_customer"), SCREENS)
@pytest.mark.parametrize("persona", ["olivia", "anonymous"])
def test_outsiders_and_signed_out_people_are_turned_away(client, request, customer, persona, name, needs_customer):
    sign_in(client, request, persona)
    before = stored(customer)

    responses = [
        get(client, name, *screen_args(name, needs_customer, customer)),
        client.post(
            reverse("customers:customer_edit", args=[customer.pk]), {"name": "Taken Over", "group": "end_user"}
        ),
    ]

    for response in responses:
        assert_turned_away(persona, response)
    assert stored(customer) == before


@pytest.mark.parametrize("name", ["customers:customer_detail", "customers:customer_edit"])
def test_a_customer_that_does_not_exist_is_not_found(client, alice, name):
    client.force_login(alice)

    assert get(client, name, 999999).status_code == 404


# --- the list --------------------------------------------------------------------------------------


@pytest.fixture
def crowd(starter_data):
    """Customers of several groups, to search and filter."""
    acme = new_organization(name="Acme Wholesale")
    return {
        "carla": new_customer(name="Carla Customer", email="carla@example.org", phone="+44 20 7946 0000"),
        "dan": new_customer(
            name="Dan Dealer", email="dan@acme.test", phone="0161 496 0123", group="distributor", organization=acme
        ),
        "sue": new_customer(name="Sue Supplier", email="sue@parts.test", phone="", group="supplier"),
        "eve": new_customer(name="Eve Employee", email="eve@caredesk.test", phone="Ext 4711", group="employee"),
    }


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, ["Carla Customer", "Dan Dealer", "Eve Employee", "Sue Supplier"]),
        ({"q": "dealer"}, ["Dan Dealer"]),
        ({"q": "PARTS.test"}, ["Sue Supplier"]),
        ({"q": "acme wholesale"}, ["Dan Dealer"]),
        ({"q": "442079460000"}, ["Carla Customer"]),
        ({"group": "employee"}, ["Eve Employee"]),
        ({"q": "e", "group": "supplier"}, ["Sue Supplier"]),
        ({"group": "martian"}, ["Carla Customer", "Dan Dealer", "Eve Employee", "Sue Supplier"]),
        ({"q": "\x00"}, ["Carla Customer", "Dan Dealer", "Eve Employee", "Sue Supplier"]),
        ({"q": "nobody"}, []),
    ],
)
def test_the_list_is_searched_and_filtered_by_group_and_sorted_by_name(client, alice, crowd, params, names):
    client.force_login(alice)

    response = get(client, "customers:customer_list", **params)

    assert response.status_code == 200
    assert listed_names(response.content.decode()) == names


def test_the_list_shows_25_a_page(client, alice, starter_data):
    for number in range(27):
        new_customer(name=f"Customer {number:02d}")
    client.force_login(alice)

    first = get(client, "customers:customer_list").content.decode()
    second = get(client, "customers:customer_list", page=2).content.decode()
    beyond = get(client, "customers:customer_list", page="lots")

    assert listed_names(first) == [f"Customer {n:02d}" for n in range(25)]
    assert listed_names(second) == ["Customer 25", "Customer 26"]
    assert "Page 2 of 2" in second
    assert beyond.status_code == 200


def test_with_htmx_the_list_answers_with_its_results_only(client, alice, crowd):
    client.force_login(alice)

    html = get(client, "customers:customer_list", htmx=True, q="dealer").content.decode()

    assert "<html" not in html
    assert listed_names(html) == ["Dan Dealer"]
    assert "1 customer matching" in html


def complaint_row_counts(html: str, name: str) -> tuple[str, str]:
    row = html[html.index(f">{name}</a>") :]
    total, still_open = re.findall(r'<td class="text-end[^"]*">(\d+)</td>', row)[:2]
    return total, still_open


def test_the_list_counts_only_the_complaints_the_user_may_see(client, request, alice, bob, maria, crowd):
    eve = crowd["eve"]
    log_complaint(user=alice, customer=eve)
    closed(log_complaint(user=bob, customer=eve), bob)

    counts = {}
    for persona in ("alice", "maria"):
        client.force_login(request.getfixturevalue(persona))
        counts[persona] = complaint_row_counts(get(client, "customers:customer_list").content.decode(), "Eve Employee")

    assert counts == {"alice": ("1", "1"), "maria": ("2", "1")}


# --- a customer's page --------------------------------------------------------------------------


def test_the_page_shows_the_details_and_the_complaints_newest_first(client, alice, customer):
    older = log_complaint(
        user=alice, customer=customer, summary="First time", received_at=timezone.now() - timedelta(days=200)
    )
    newer = log_complaint(user=alice, customer=customer, summary="Second time")
    client.force_login(alice)

    html = get(client, "customers:customer_detail", customer.pk).content.decode()

    assert html.index(newer.reference) < html.index(older.reference)
    assert f'href="{reverse("recovery:complaint_detail", args=[newer.pk])}"' in html
    assert "carla@example.org" in html
    assert f'href="{reverse("recovery:complaint_log")}?customer={customer.pk}"' in html
    assert f'href="{reverse("customers:customer_edit", args=[customer.pk])}"' in html
    assert "Repeat complaints" not in html


def total(html: str, label: str) -> str:
    found = re.search(rf'<span class="total-value">([^<]*)</span><span class="total-label">{label}</span>', html)
    assert found is not None, f"no total {label!r}"
    return found[1]


def test_the_totals_count_open_retained_and_lost_complaints_and_what_atonement_cost(client, alice, customer):
    closed(log_complaint(user=alice, customer=customer), alice)  # a voucher worth 25, retained
    lost = advance(log_complaint(user=alice, customer=customer), alice, Stage.FOLLOW_UP)
    complaint_follow_up(complaint=lost, user=alice, satisfaction=1, retained=False)
    complaint_close(complaint=lost, user=alice, outcome=Outcome.LOST)
    log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    html = get(client, "customers:customer_detail", customer.pk).content.decode()

    assert total(html, "Complaints") == "3"
    assert total(html, "Open") == "1"
    assert total(html, "Retained / lost") == "1 / 1"
    assert total(html, "Atonement value") == "£50.00"


def test_a_complaint_within_90_days_after_another_flags_a_repeat_complainant(client, alice, customer):
    log_complaint(user=alice, customer=customer, received_at=timezone.now() - timedelta(days=300))
    log_complaint(user=alice, customer=customer, received_at=timezone.now() - timedelta(days=211))
    client.force_login(alice)

    html = get(client, "customers:customer_detail", customer.pk).content.decode()
    listed = get(client, "customers:customer_list").content.decode()

    assert (
        "<strong>Repeat complaints:</strong> 1 of this customer’s complaints was received within 90 days "
        "after another of theirs." in html
    )
    assert (
        '<span class="badge text-bg-warning" title="1 of their complaints received within 90 days after another '
        'of theirs">Repeat</span>' in listed
    )


def test_complaints_further_apart_than_90_days_are_not_a_repeat(client, alice, customer):
    log_complaint(user=alice, customer=customer, received_at=timezone.now() - timedelta(days=91))
    log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    html = get(client, "customers:customer_detail", customer.pk).content.decode()

    assert "Repeat complaints" not in html
    assert total(html, "Complaints") == "2"


@pytest.mark.parametrize(
    ("persona", "sees", "count"),
    [("alice", {"Alice's case"}, "1"), ("bob", {"Bob's case"}, "1"), ("maria", {"Alice's case", "Bob's case"}, "2")],
)
def test_an_employee_is_visible_to_all_but_their_complaints_only_to_managers_and_the_owner(
    client, request, alice, bob, maria, persona, sees, count
):
    eve = new_customer(name="Eve Employee", group=CustomerGroup.EMPLOYEE)
    complaints = {
        "Alice's case": log_complaint(user=alice, customer=eve, summary="Alice's case"),
        "Bob's case": log_complaint(user=bob, customer=eve, summary="Bob's case"),
    }
    client.force_login(request.getfixturevalue(persona))

    html = get(client, "customers:customer_detail", eve.pk).content.decode()

    shown = {summary for summary, complaint in complaints.items() if complaint.reference in html}
    assert shown == sees
    assert {s for s in complaints if escape(s) in html} == sees
    assert total(html, "Complaints") == count
    assert ("you see only the ones you handle" in html) is (persona != "maria")


def test_the_customer_page_lists_25_complaints_a_page(client, alice, customer):
    for _ in range(26):
        log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    second = get(client, "customers:customer_detail", customer.pk, page=2).content.decode()

    assert len(re.findall(r'<a class="reference"', second)) == 1
    assert total(second, "Complaints") == "26"


# --- editing ---------------------------------------------------------------------------------------


def edit_data(customer: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": customer.name,
        "group": customer.group,
        "email": customer.email,
        "phone": customer.phone,
        "organization": customer.organization.name if customer.organization else "",
        "consents_to_contact": "on" if customer.consents_to_contact else "",
        "staff_user": customer.staff_user_id or "",
    }
    data.update(changes)
    return data


def post_edit(client: Any, customer: Any, data: dict[str, Any]) -> Any:
    return client.post(reverse("customers:customer_edit", args=[customer.pk]), data)


def test_the_edit_form_starts_with_the_customers_details(client, alice, starter_data):
    someone = new_customer(name="Dan Dealer", group="distributor", organization=new_organization(name="Acme"))
    client.force_login(alice)

    html = get(client, "customers:customer_edit", someone.pk).content.decode()

    assert 'value="Dan Dealer"' in html
    assert re.search(r'value="distributor" id="id_group_2" checked', html)
    assert 'name="organization" value="Acme"' in html


def test_editing_saves_the_details_and_shows_the_customer(client, alice, customer):
    client.force_login(alice)

    response = post_edit(
        client,
        customer,
        edit_data(customer, name=" Carla Cole ", email="Carla.Cole@Example.ORG", organization="New Co", phone="0123"),
    )

    customer.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer_detail", args=[customer.pk])
    assert (customer.name, customer.email, customer.phone) == ("Carla Cole", "carla.cole@example.org", "0123")
    assert customer.organization.name == "New Co"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Customer details saved."]


def test_clearing_the_organisation_unlinks_it(client, alice, starter_data):
    someone = new_customer(organization=new_organization(name="Acme"))
    client.force_login(alice)

    post_edit(client, someone, edit_data(someone, organization=""))

    someone.refresh_from_db()
    assert someone.organization is None


EDIT_BAD_INPUT = [
    ("name", "", "Enter the customer's name."),
    ("name", "Carla\x00", CONTROL),
    ("name", "x" * 201, "Keep this to 200 characters (this is 201)."),
    ("group", "", "Choose one of the five groups."),
    ("group", "martian", "Choose one of the five groups."),
    ("email", "carla@", "Enter an email address like name@example.org, or leave it empty."),
    ("phone", "0\x1b", CONTROL),
    ("organization", "Acme\x00", CONTROL),
    ("staff_user", "999999", "Choose one of the colleagues listed."),
    ("staff_user", "bob", "Only an employee can be linked to a staff account."),
]


@pytest.mark.parametrize(("field", "value", "message"), EDIT_BAD_INPUT)
def test_bad_details_are_shown_next_to_the_field_with_what_was_typed_and_nothing_changed(
    client, request, maria, customer, field, value, message
):
    if value == "bob":
        value = request.getfixturevalue("bob").pk
    client.force_login(maria)
    before = (stored(customer), Organization.objects.count())
    data = {**edit_data(customer, phone="Kept 0123", organization="Kept Org"), field: value}

    response = post_edit(client, customer, data)

    html = response.content.decode()
    assert response.status_code == 200
    if field == "group":
        assert escape(message) in html[html.index('id="div_id_group"') : html.index('id="div_id_email"')]
    else:
        assert_error_next_to(html, field, message)
    for kept in ("Kept 0123", "Kept Org"):
        if kept in data.values():
            assert f'value="{kept}"' in html
    assert (stored(customer), Organization.objects.count()) == before


@pytest.mark.parametrize(("start", "change_to"), [("end_user", "employee"), ("employee", "end_user")])
def test_only_a_manager_moves_a_customer_into_or_out_of_the_employee_group(client, alice, maria, start, change_to):
    someone = new_customer(group=start)
    data = edit_data(someone, group=change_to, organization="Brand New Ltd")
    before = stored(someone)
    client.force_login(alice)

    refused = post_edit(client, someone, data)

    assert refused.status_code == 200
    assert escape("Only a manager can change whether a customer is an employee") in refused.content.decode()
    refused_html = refused.content.decode()
    assert (
        "Only a manager"
        in refused_html[refused_html.index('id="div_id_group"') : refused_html.index('id="div_id_email"')]
    )
    assert stored(someone) == before
    assert not Organization.objects.exists()

    client.force_login(maria)
    accepted = post_edit(client, someone, data)

    someone.refresh_from_db()
    assert accepted.status_code == 302
    assert someone.group == change_to


def test_only_a_manager_links_an_employee_to_a_staff_account(client, alice, bob, maria):
    colleague = new_customer(group=CustomerGroup.EMPLOYEE)
    client.force_login(alice)

    refused = post_edit(client, colleague, edit_data(colleague, staff_user=bob.pk))

    assert_error_next_to(
        refused.content.decode(),
        "staff_user",
        "Only a manager can change whether a customer is an employee or their staff account.",
    )
    colleague.refresh_from_db()
    assert colleague.staff_user is None
    client.force_login(maria)
    post_edit(client, colleague, edit_data(colleague, staff_user=bob.pk))
    colleague.refresh_from_db()
    assert colleague.staff_user == bob


def test_a_front_line_user_may_still_edit_an_employees_other_details(client, alice):
    colleague = new_customer(group=CustomerGroup.EMPLOYEE)
    client.force_login(alice)

    response = post_edit(client, colleague, edit_data(colleague, phone="Ext 4711"))

    colleague.refresh_from_db()
    assert response.status_code == 302
    assert colleague.phone == "Ext 4711"


# --- text people typed is shown, never run ---------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_customer_and_complaint_text_is_shown_escaped_on_every_customer_screen(client, alice, starter_data, payload):
    someone = new_customer(
        name=payload, phone=payload[:40], email="xss@example.org", organization=new_organization(name=payload)
    )
    log_complaint(user=alice, customer=someone, summary=payload)
    client.force_login(alice)

    pages = [
        get(client, "customers:customer_list", q="xss@example.org"),
        get(client, "customers:customer_list", q=payload),
        get(client, "customers:customer_list", htmx=True, q=payload),
        get(client, "customers:customer_detail", someone.pk),
        get(client, "customers:customer_edit", someone.pk),
        post_edit(client, someone, edit_data(someone, name=payload, email="bad")),
    ]

    for response in pages:
        assert_shown_escaped(response.content.decode(), payload)


# --- a fixed number of queries, however many rows ------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_takes_a_fixed_number_of_queries(client, alice, starter_data, django_assert_max_num_queries, rows):
    for number in range(rows):
        someone = new_customer(name=f"Customer {number:02d}", organization=new_organization())
        log_complaint(user=alice, customer=someone)
    client.force_login(alice)

    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(9):
        listed = get(client, "customers:customer_list")
    with django_assert_max_num_queries(7):
        searched = get(client, "customers:customer_list", htmx=True, q="customer")
    # Each is the page asked for (a redirect or refusal would cost fewer queries and pass the bound).
    assert (listed.status_code, searched.status_code) == (200, 200)
    assert "Customer 00" in listed.text
    assert "Customer 00" in searched.text


@pytest.mark.parametrize("rows", [1, 50])
def test_the_customer_page_takes_a_fixed_number_of_queries(
    client, alice, customer, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(11):
        detail = get(client, "customers:customer_detail", customer.pk)
    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(8):
        edit = get(client, "customers:customer_edit", customer.pk)
    assert (detail.status_code, edit.status_code) == (200, 200)
    assert customer.name in detail.text
    assert customer.name in edit.text


@time_machine.travel("2025-03-03 09:00Z", tick=False)
def test_atonement_total_is_summed_over_every_round(client, alice, customer):
    complaint = closed(log_complaint(user=alice, customer=customer), alice)
    complaint = complaint_reopen(complaint=complaint, user=alice, to_step=Stage.ATONE, reason="Voucher did not work")
    closed(complaint, alice)
    client.force_login(alice)

    html = get(client, "customers:customer_detail", customer.pk).content.decode()

    assert total(html, "Atonement value") == "£50.00"


def test_going_back_to_the_list_after_htmx_shows_the_whole_page(client, alice, crowd):
    client.force_login(alice)

    html = client.get(
        reverse("customers:customer_list"),
        {"q": "dealer"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    ).content.decode()

    assert "<html" in html
    assert listed_names(html) == ["Dan Dealer"]
