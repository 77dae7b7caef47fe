"""The log-a-complaint screen: finding or adding the customer, storing the complaint, and bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import GROUP_HELP, Customer, CustomerGroup, Organization
from recovery.forms.log import FUTURE
from recovery.models import Category, Complaint, Stage
from tests.helpers.customers import new_customer, new_organization
from tests.helpers.forms import local_input, log_data, post_log
from tests.helpers.pages import CONTROL, HTMX, assert_error_next_to, assert_turned_away, get, sign_in
from tests.helpers.workflow import snapshot
from tests.xss import PAYLOADS, assert_shown_escaped

# A summer afternoon in London (BST, UTC+1), so local time and UTC differ.
T0 = datetime(2025, 7, 1, 13, 0, tzinfo=UTC)


# --- this screen's helpers ---------------------------------------------------------------------


def pick_buttons(html: str) -> list[str]:
    return re.findall(r'data-pick-customer="(\d+)"', html)


def names_in(html: str) -> set[str]:
    return {Customer.objects.get(pk=pk).name for pk in pick_buttons(html)}


# --- who may use the screen ------------------------------------------------------------------


ENDPOINTS = [
    ("recovery:complaint_log", {}, False),
    ("customers:customer_search", {"q": "Carla"}, True),
    ("customers:customer_quick_create", {}, True),
    ("customers:customer_quick_create", {}, False),
]


@pytest.mark.parametrize(("name", "params", "htmx"), ENDPOINTS)
@pytest.mark.parametrize("persona", ["alice", "maria"])
def test_staff_get_the_log_screen_and_its_helpers(client, request, customer, persona, name, params, htmx):
    sign_in(client, request, persona)

    response = get(client, name, htmx=htmx, **params)

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "params", "htmx"), ENDPOINTS)
@pytest.mark.parametrize("persona", ["olivia", "anonymous"])
def test_outsiders_and_signed_out_people_are_turned_away(client, request, customer, persona, name, params, htmx):
    sign_in(client, request, persona)

    response = get(client, name, htmx=htmx, **params)

    assert_turned_away(persona, response)


@pytest.mark.parametrize("persona", ["olivia", "anonymous"])
def test_outsiders_cannot_log_a_complaint_or_add_a_customer(client, request, alice, customer, persona):
    sign_in(client, request, persona)
    before = (snapshot(), Customer.objects.count())

    responses = [
        post_log(client, log_data(customer, alice)),
        client.post(
            reverse("customers:customer_quick_create"), {"new-name": "Nina New", "new-group": "end_user"}, **HTMX
        ),
    ]

    for response in responses:
        assert_turned_away(persona, response)
    assert (snapshot(), Customer.objects.count()) == before


# --- the empty form -----------------------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_the_form_starts_in_the_search_box_received_now_in_local_time_and_owned_by_me(client, alice, bob):
    client.force_login(alice)

    html = get(client, "recovery:complaint_log").content.decode()

    assert re.search(r'<input type="search" id="customer-q"[^>]*autofocus', html)
    assert 'value="2025-07-01T14:00"' in html  # 13:00 UTC is 14:00 in London in July
    assert f'<option value="{alice.pk}" selected>Alice Archer</option>' in html
    assert f'<option value="{bob.pk}">Bob Baker</option>' in html
    assert '<option value="medium" selected>' in html


def test_only_active_categories_and_colleagues_who_handle_complaints_are_offered(client, alice, olivia):
    Category.objects.filter(name="Billing").update(is_active=False)
    client.force_login(alice)

    html = get(client, "recovery:complaint_log").content.decode()

    assert ">Delivery</option>" in html
    assert ">Billing</option>" not in html
    assert "Olivia Outsider" not in html


# --- finding the customer -----------------------------------------------------------------------


@pytest.fixture
def people(starter_data):
    """Two customers to find by different parts of their details."""
    return {
        "carla": new_customer(name="Carla Customer", email="carla@example.org", phone="+44 20 7946 0000"),
        "dan": new_customer(
            name="Dan Dealer",
            email="dan@acme.test",
            phone="0161 496 0123",
            group=CustomerGroup.DISTRIBUTOR,
            organization=new_organization(name="Acme Wholesale"),
        ),
    }


SEARCHES = [
    ("carla", {"Carla Customer"}),
    ("CUSTOMER", {"Carla Customer"}),
    ("ACME.TEST", {"Dan Dealer"}),
    ("acme whole", {"Dan Dealer"}),
    ("7946", {"Carla Customer"}),
    ("01614960123", {"Dan Dealer"}),
    ("+44 (20) 7946-0000", {"Carla Customer"}),
    ("e", {"Carla Customer", "Dan Dealer"}),
    ("nobody", set()),
    ("100%", set()),
    ("_", set()),
]


@pytest.mark.parametrize(("query", "found"), SEARCHES)
def test_the_customer_is_found_by_name_email_phone_or_organisation(client, alice, people, query, found):
    client.force_login(alice)

    html = get(client, "customers:customer_search", htmx=True, q=query).content.decode()

    assert names_in(html) == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("nunez", {"Ana Núñez"}),
        ("NÚÑEZ", {"Ana Núñez"}),
        ("07700 900348", {"Ana Núñez"}),
        ("07700900348", {"Ana Núñez"}),
        ("ZOË", {"Zoë Quinlan"}),
        ("zoe", {"Zoë Quinlan"}),
        ("+44 161 496 0123", {"Dan Dealer"}),
        ("ACME WHOLESALE", {"Dan Dealer"}),
    ],
)
def test_the_picker_finds_an_existing_customer_however_they_are_typed_and_offers_no_duplicate(
    client, alice, people, query, found
):
    new_customer(name="Ana Núñez", email="ana@example.es", phone="+44 7700 900348")
    new_customer(name="Zoë Quinlan", email="zoe@example.org", phone="")
    client.force_login(alice)

    html = get(client, "customers:customer_search", htmx=True, q=query).content.decode()

    assert names_in(html) == found
    assert "Add them as a new customer" not in html


def test_a_match_is_a_button_that_picks_the_customer_with_a_readable_label(client, alice, people):
    client.force_login(alice)
    dan = people["dan"]

    html = get(client, "customers:customer_search", htmx=True, q="dan").content.decode()

    assert "<html" not in html
    assert f'data-pick-customer="{dan.pk}"' in html
    assert 'data-customer-label="Dan Dealer · Distributor · dan@acme.test"' in html
    assert "Acme Wholesale" in html
    assert 'form="customer-search-form" name="customer"' in html


def test_the_picker_shows_the_first_ten_by_name_and_says_there_are_more(client, alice, starter_data):
    for number in range(12, 0, -1):
        new_customer(name=f"Smith {number:02d}")
    client.force_login(alice)

    html = get(client, "customers:customer_search", htmx=True, q="smith").content.decode()

    listed = [Customer.objects.get(pk=pk).name for pk in pick_buttons(html)]
    assert listed == [f"Smith {number:02d}" for number in range(1, 11)]
    assert "type more to narrow it down" in html


def test_no_match_offers_to_add_the_customer_with_what_was_typed(client, alice, people):
    client.force_login(alice)

    html = get(client, "customers:customer_search", htmx=True, q="Nina New").content.decode()

    assert 'No customer matches “<span class="text-break-any">Nina New</span>”' in html
    assert f"{reverse('customers:customer_quick_create')}?q=Nina%20New" in html


@pytest.mark.parametrize("query", ["\x00", "Carla\x00", "\x1b[31m", "%%%", "x" * 5000])
def test_odd_search_text_is_answered_not_crashed_on(client, alice, people, query):
    client.force_login(alice)

    responses = [
        get(client, "customers:customer_search", htmx=True, q=query),
        get(client, "recovery:complaint_log", q=query),
    ]

    assert [r.status_code for r in responses] == [200, 200]


def test_without_javascript_the_search_box_reloads_the_log_page_with_the_matches(client, alice, people):
    client.force_login(alice)

    page = get(client, "recovery:complaint_log", q="carla")
    redirected = get(client, "customers:customer_search", q="carla")

    html = page.content.decode()
    assert names_in(html) == {"Carla Customer"}
    assert 'value="carla"' in html
    assert redirected.status_code == 302
    assert redirected["Location"] == f"{reverse('recovery:complaint_log')}?q=carla"


def test_a_customer_chosen_in_the_address_is_shown_chosen_and_the_cursor_moves_on(client, alice, people):
    carla = people["carla"]
    client.force_login(alice)

    html = get(client, "recovery:complaint_log", customer=carla.pk, q="carla").content.decode()

    assert f'<input type="hidden" name="customer" value="{carla.pk}">' in html
    assert "Carla Customer · End-user · carla@example.org" in html
    assert re.search(r'<select name="channel"[^>]*autofocus', html)
    assert pick_buttons(html) == []


@pytest.mark.parametrize("value", ["999999", "abc", "1\x00", "-1", "9" * 30])
def test_an_unknown_customer_in_the_address_is_ignored(client, alice, people, value):
    client.force_login(alice)

    response = get(client, "recovery:complaint_log", customer=value)

    assert response.status_code == 200
    assert '<input type="hidden" name="customer" value="">' in response.content.decode()


def test_the_search_box_and_the_quick_add_belong_to_their_own_forms(client, alice):
    client.force_login(alice)

    html = get(client, "recovery:complaint_log").content.decode()

    # Enter in the search box submits the search form, not the complaint; Enter elsewhere logs the complaint.
    assert re.search(r'id="customer-q"[^>]*form="customer-search-form"', html)
    assert '<form id="customer-search-form" method="get"' in html
    assert '<form id="customer-new-form" method="post"' in html
    main = html[html.index('<form id="complaint-log-form"') : html.index('<form id="customer-search-form"')]
    assert main.count('type="submit"') == 2  # "Find" (for the search form) and "Log complaint"
    assert main.index('form="customer-search-form" class="btn btn-outline-secondary">Find') < main.index(
        "Log complaint</button>"
    )


# --- logging -----------------------------------------------------------------------------------


def test_logging_stores_the_complaint_and_shows_its_page_with_the_reference_and_apology_due(client, alice, customer):
    client.force_login(alice)

    response = post_log(client, log_data(customer, alice))

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recovery:complaint_detail", args=[complaint.pk])
    assert (complaint.customer, complaint.owner, complaint.logged_by) == (customer, alice, alice)
    assert (complaint.channel, complaint.severity, complaint.category.name) == ("phone", "high", "Delivery")
    assert complaint.summary == "Parcel arrived two days late"
    assert complaint.desired_remedy == "Refund the delivery charge"
    assert complaint.stage == Stage.APOLOGIZE
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert f'<span class="reference reference-lg">{complaint.reference}</span>' in message
    due = timezone.localtime(complaint.step_due_at)
    assert f"Apologize by <strong>{due:%a %d %b, %H:%M}</strong>" in message


@time_machine.travel(T0, tick=False)
def test_the_received_time_is_read_as_local_time(client, alice, customer):
    client.force_login(alice)

    post_log(client, log_data(customer, alice, received_at="2025-07-01T13:30"))

    assert Complaint.objects.get().received_at == datetime(2025, 7, 1, 12, 30, tzinfo=UTC)


def test_a_colleague_can_be_made_the_owner(client, alice, bob, customer):
    client.force_login(alice)

    post_log(client, log_data(customer, bob))

    complaint = Complaint.objects.get()
    assert (complaint.owner, complaint.logged_by) == (bob, alice)


BAD_INPUT = [
    ("customer", "", "Choose the customer: search for them above, or add them as a new customer."),
    ("customer", "999999", "That customer was not found; search for them again."),
    ("customer", "1\x00", "Null characters are not allowed."),
    ("channel", "", "Choose how the complaint reached us."),
    ("channel", "pigeon", "Choose a channel."),
    ("severity", "apocalyptic", "Choose a severity."),
    ("summary", "", "Enter a short summary."),
    ("summary", "   ", "Enter a short summary."),
    ("summary", "x" * 201, "Keep this to 200 characters (this is 201)."),
    ("summary", "Late\x00parcel", CONTROL),
    ("description", "Waited\x00", CONTROL),
    ("desired_remedy", "Refund\x1b", CONTROL),
    ("received_at", "", "Give the date and time the complaint was received."),
    ("received_at", "yesterday", "Give a date and time."),
    ("received_at", "2025-13-45T99:99", "Give a date and time."),
    ("received_at", "future", FUTURE),
    ("owner", "olivia", "Choose a colleague listed."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_shown_next_to_its_field_with_everything_typed_kept_and_nothing_stored(
    client, request, alice, customer, field, value, message
):
    if value == "future":
        value = local_input(timezone.now() + timedelta(hours=2))
    if value == "olivia":
        value = request.getfixturevalue("olivia").pk
    client.force_login(alice)
    data = {**log_data(customer, alice, description="Kept: waited in all day"), field: value}
    if field == "description":
        data["desired_remedy"] = "Kept: a refund"
    before = snapshot()

    response = post_log(client, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert_error_next_to(html, field, message)
    assert snapshot() == before
    for kept in ("Kept: waited in all day", "Kept: a refund", "Parcel arrived two days late"):
        if kept in str(data.values()):
            assert escape(kept) in html
    if field != "customer":
        assert f'<input type="hidden" name="customer" value="{customer.pk}">' in html
        assert "Carla Customer · End-user · carla@example.org" in html


def test_the_cursor_goes_to_the_first_field_with_an_error(client, alice, customer):
    client.force_login(alice)

    html = post_log(client, log_data(customer, alice, summary="", received_at="soon")).content.decode()

    # The received time comes first on the page (right after the severity), shown open because it was refused.
    assert re.search(r'<details class="received-at mb-3" open>', html)
    assert re.search(r'<input type="datetime-local" name="received_at"[^>]*autofocus', html)
    assert not re.search(r'name="summary"[^>]*autofocus', html)
    assert not re.search(r'id="customer-q"[^>]*autofocus', html)

    html = post_log(client, log_data(customer, alice, summary="")).content.decode()

    assert re.search(r'<input type="text" name="summary"[^>]*autofocus', html)
    assert re.search(r'<details class="received-at mb-3">', html)  # a time that was accepted stays folded away


def test_a_missing_customer_puts_the_cursor_back_in_the_search_box(client, alice, customer):
    client.force_login(alice)

    html = post_log(client, log_data(None, alice)).content.decode()

    assert re.search(r'<input type="search" id="customer-q"[^>]*is-invalid[^>]*autofocus', html, re.S)


def test_a_refusal_from_the_workflow_is_shown_next_to_its_field(client, alice, starter_data):
    colleague = new_customer(name="Alice as a customer", group=CustomerGroup.EMPLOYEE, staff_user=alice)
    client.force_login(alice)
    before = snapshot()

    response = post_log(client, log_data(colleague, alice))

    assert response.status_code == 200
    assert_error_next_to(
        response.content.decode(), "owner", "A colleague cannot handle their own complaint; choose someone else."
    )
    assert snapshot() == before


def test_a_deactivated_category_chosen_before_it_was_switched_off_is_refused(client, alice, customer):
    client.force_login(alice)
    data = log_data(customer, alice)
    Category.objects.filter(pk=data["category"]).update(is_active=False)

    response = post_log(client, data)

    assert_error_next_to(response.content.decode(), "category", "Choose one of the active categories.")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, alice, method):
    client.force_login(alice)

    assert getattr(client, method)(reverse("recovery:complaint_log")).status_code == 405


# --- adding a customer without leaving the form ----------------------------------------------------


def quick_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Nina New",
        "group": CustomerGroup.PROSPECT,
        "email": "Nina@Example.org",
        "phone": "07700 900123",
        "organization": "",
        "consents_to_contact": "on",
    }
    data.update(changes)
    return {f"new-{key}": value for key, value in data.items()}


def quick_post(client: Any, data: dict[str, Any], *, htmx: bool = True, **extra: Any) -> Any:
    return client.post(reverse("customers:customer_quick_create"), {**data, **extra}, **(HTMX if htmx else {}))


def test_the_quick_form_explains_each_group_in_one_line_and_starts_at_the_name(client, alice):
    client.force_login(alice)

    html = get(client, "customers:customer_quick_create", htmx=True).content.decode()

    assert "<html" not in html
    for help_line in GROUP_HELP.values():
        assert escape(help_line) in html
    assert re.search(r'name="new-name"[^>]*form="customer-new-form"|form="customer-new-form"[^>]*name="new-name"', html)
    assert re.search(r'<input type="text" name="new-name"[^>]*autofocus', html)
    assert html.count('form="customer-new-form"') >= 10  # every input, each radio, and the button


@pytest.mark.parametrize(
    ("typed", "field", "autofocus"),
    [("Nina New", "name", "group"), ("nina@example.org", "email", "name"), ("07700 900123", "phone", "name")],
)
def test_what_was_searched_for_fills_the_matching_field_of_the_quick_form(client, alice, typed, field, autofocus):
    client.force_login(alice)

    html = get(client, "customers:customer_quick_create", htmx=True, q=typed).content.decode()

    assert re.search(rf'name="new-{field}" value="{re.escape(typed)}"', html)
    assert re.search(rf'name="new-{autofocus}"[^>]*autofocus', html)


def test_cancel_closes_the_quick_form(client, alice):
    client.force_login(alice)

    html = get(client, "customers:customer_quick_create", htmx=True, closed="1").content.decode()

    assert "new-name" not in html
    assert "+ New customer" in html


def test_adding_a_customer_chooses_them_for_the_complaint(client, alice):
    client.force_login(alice)

    response = quick_post(client, quick_data(organization="Acme Wholesale"))

    html = response.content.decode()
    customer = Customer.objects.get()
    assert (customer.name, customer.email, customer.group) == ("Nina New", "nina@example.org", "prospect")
    assert customer.organization is not None
    assert (customer.organization.name, customer.consents_to_contact) == ("Acme Wholesale", True)
    assert customer.created_by == alice
    assert '<div id="chosen-customer" aria-live="polite" hx-swap-oob="true">' in html
    assert f'<input type="hidden" name="customer" value="{customer.pk}">' in html
    assert "Nina New · Prospect · nina@example.org" in html
    assert "new-name" not in html


def test_an_existing_organisation_is_reused_whatever_its_case(client, alice):
    existing = new_organization(name="Acme Wholesale")
    client.force_login(alice)

    quick_post(client, quick_data(organization="ACME wholesale"))

    assert Customer.objects.get().organization == existing
    assert Organization.objects.count() == 1


QUICK_BAD_INPUT = [
    ("name", "", "Enter the customer's name."),
    ("name", "x" * 201, "Keep this to 200 characters (this is 201)."),
    ("name", "Nina\x00", CONTROL),
    ("group", "", "Choose one of the five groups."),
    ("group", "alien", "Choose one of the five groups."),
    ("email", "not-an-address", "Enter an email address like name@example.org, or leave it empty."),
    ("phone", "0770\x07", CONTROL),
    ("organization", "Acme\x00", CONTROL),
]


@pytest.mark.parametrize(("field", "value", "message"), QUICK_BAD_INPUT)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_customer_details_are_shown_next_to_the_field_with_what_was_typed(
    client, alice, htmx, field, value, message
):
    client.force_login(alice)
    data = quick_data(**{"organization": "Kept Organisation", field: value})

    response = quick_post(client, data, htmx=htmx, next="log")

    html = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in html) is not htmx
    if field == "group":
        block = html[html.index('id="div_id_new-group"') : html.index('id="div_id_new-email"')]
        assert escape(message) in block
    else:
        assert_error_next_to(html, f"new-{field}", message)
    if field != "name":
        assert 'value="Nina New"' in html
    if field != "organization":
        assert 'value="Kept Organisation"' in html
    assert not Customer.objects.exists()
    assert not Organization.objects.exists()


def test_a_refused_customer_leaves_no_new_organisation_behind(client, alice, monkeypatch):
    from common.errors import DomainError

    def refuse(**kwargs: Any) -> Any:
        raise DomainError("Someone added this customer a moment ago.", field="name")

    monkeypatch.setattr("customers.views.customer_create", refuse)
    client.force_login(alice)

    response = quick_post(client, quick_data(organization="Brand New Ltd"))

    assert_error_next_to(response.content.decode(), "new-name", "Someone added this customer a moment ago.")
    assert not Organization.objects.exists()


def test_without_javascript_the_quick_add_is_a_page_that_returns_to_the_log_form(client, alice):
    client.force_login(alice)

    page = get(client, "customers:customer_quick_create", next="log", q="Nina New")
    response = quick_post(client, quick_data(), htmx=False, next="log")

    customer = Customer.objects.get()
    assert 'name="next" value="log"' in page.content.decode()
    assert 'value="Nina New"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('recovery:complaint_log')}?customer={customer.pk}"


@pytest.mark.parametrize("next_url", ["", "https://evil.example/", "//evil.example/", "/admin/"])
def test_adding_a_customer_elsewhere_shows_their_page_and_never_goes_off_site(client, alice, next_url):
    client.force_login(alice)

    response = quick_post(client, quick_data(), htmx=False, next=next_url)

    assert response["Location"] == reverse("customers:customer_detail", args=[Customer.objects.get().pk])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "CARLA@example.org"}, "email", "Carla Customer already has this email address."),
        ({"phone": "020 7946 0000"}, "phone", "Carla Customer already has this phone number."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_adding_someone_already_on_file_offers_the_existing_customer(
    client, alice, customer, htmx, changes, field, message
):
    client.force_login(alice)

    response = quick_post(client, quick_data(name="Carla C.", **changes), htmx=htmx, next="log")

    html = response.content.decode()
    assert response.status_code == 200
    assert_error_next_to(html, f"new-{field}", message)
    assert f'href="{reverse("customers:customer_detail", args=[customer.pk])}"' in html
    assert f'href="{reverse("recovery:complaint_log")}?customer={customer.pk}"' in html
    assert 'name="new-add_anyway"' in html
    assert 'value="Carla C."' in html
    assert list(Customer.objects.all()) == [customer]


def test_choosing_the_existing_customer_picks_them_for_the_complaint(client, alice, customer):
    client.force_login(alice)
    html = quick_post(client, quick_data(email=customer.email)).content.decode()
    choose = re.search(r'hx-get="([^"]*choose=\d+)"', html)
    assert choose is not None

    picked = client.get(choose.group(1).replace("&amp;", "&"), **HTMX).content.decode()

    assert '<div id="chosen-customer" aria-live="polite" hx-swap-oob="true">' in picked
    assert f'<input type="hidden" name="customer" value="{customer.pk}">' in picked
    assert "new-name" not in picked
    assert Customer.objects.count() == 1


def test_a_different_person_with_the_same_details_is_added_once_confirmed(client, alice, customer):
    client.force_login(alice)

    response = quick_post(client, quick_data(name="Carlos Customer", email=customer.email, add_anyway="on"))

    added = Customer.objects.exclude(pk=customer.pk).get()
    assert (added.name, added.email) == ("Carlos Customer", customer.email)
    assert f'<input type="hidden" name="customer" value="{added.pk}">' in response.content.decode()


# --- text people typed is shown, never run --------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_customer_details_are_shown_escaped_in_the_picker_and_the_chosen_customer(client, alice, starter_data, payload):
    someone = new_customer(name=payload, email="xss@example.org", organization=new_organization(name=payload))
    client.force_login(alice)

    pages = [
        get(client, "customers:customer_search", htmx=True, q="xss@example.org"),
        get(client, "recovery:complaint_log", q="xss@example.org"),
        get(client, "recovery:complaint_log", customer=someone.pk),
        quick_post(client, quick_data(name=payload, phone=payload[:40], organization=payload)),
        quick_post(client, quick_data(name=payload, email="bad", organization=payload)),
        get(client, "customers:customer_search", htmx=True, q=payload),
    ]

    for response in pages:
        assert_shown_escaped(response.content.decode(), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_complaint_text_typed_into_a_refused_form_is_shown_escaped(client, alice, customer, payload):
    client.force_login(alice)
    data = log_data(customer, alice, summary=payload, description=payload, desired_remedy=payload, channel="")

    html = post_log(client, data).content.decode()

    assert_shown_escaped(html, payload)
    assert not Complaint.objects.exists()


# --- a fixed number of queries, however many customers match ----------------------------------


@pytest.mark.parametrize("matches", [1, 50])
def test_the_picker_and_the_log_page_take_a_fixed_number_of_queries(
    client, alice, starter_data, django_assert_max_num_queries, matches
):
    for number in range(matches):
        new_customer(name=f"Smith {number:02d}", organization=new_organization())
    client.force_login(alice)
    chosen = Customer.objects.get(name="Smith 00")

    with django_assert_max_num_queries(5):
        picker = get(client, "customers:customer_search", htmx=True, q="smith")
    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(10):
        searched = get(client, "recovery:complaint_log", q="smith")
    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(10):
        chosen_page = get(client, "recovery:complaint_log", customer=chosen.pk)
    # Each is the page asked for (a redirect or refusal would cost fewer queries and pass the bound).
    assert [picker.status_code, searched.status_code, chosen_page.status_code] == [200, 200, 200]
    assert "Smith 00" in picker.text
    assert "Smith 00" in searched.text
    assert "Smith 00" in chosen_page.text
