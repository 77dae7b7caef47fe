"""The complaint list: filters, search, sorting and pages from the URL; htmx updates; who sees what."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import CustomerGroup
from recovery.models import Category
from tests.factories import front_line_user, log_complaint, log_complaint_at
from tests.helpers.customers import new_customer
from tests.helpers.pages import list_page, references_in
from tests.xss import PAYLOADS, assert_never_raw, assert_shown_escaped

URL = reverse("recovery:complaint_list")
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results", "HTTP_HX_CURRENT_URL": f"http://testserver{URL}"}


def names_listed(response, complaints: dict[str, Any]) -> set[str]:
    shown = set(references_in(response.content.decode()))
    return {name for name, complaint in complaints.items() if complaint.reference in shown}


def error_slot(html: str, field: str) -> str:
    """Return the text of the message slot next to filter `field`."""
    match = re.search(rf'<div id="filter-error-{field}"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no message slot for {field}"
    return match.group(1)


EVERYTHING = {
    "fresh",
    "old overdue",
    "supplier",
    "reinstating",
    "closed",
    "escalated",
    "alice employee",
    "bob employee",
}


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("maria", 200), ("olivia", 403)])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_each_role_gets_the_list_or_a_refusal(client, request, persona, status, headers):
    assert list_page(client, request.getfixturevalue(persona), **headers).status_code == status


def test_someone_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL, {"q": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={URL}")


@pytest.mark.parametrize(
    ("persona", "hidden"), [("alice", {"bob employee"}), ("bob", {"alice employee"}), ("maria", set())]
)
def test_nobody_sees_a_colleagues_employee_complaint_they_do_not_own_except_managers(
    client, request, list_world, persona, hidden
):
    response = list_page(client, request.getfixturevalue(persona))

    assert names_listed(response, list_world) == EVERYTHING - hidden
    assert response.context["page"].paginator.count == len(EVERYTHING - hidden)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "{reference}"},
        {"q": "Greta Grievance"},
        {"q": "greta@staff.test"},
        {"q": "shouted team"},
        {"group": CustomerGroup.EMPLOYEE},
        {"owner": "{bob}"},
        {"q": "{reference}", "stage": "open", "sort": "due"},
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_no_search_or_filter_reveals_a_hidden_employee_complaint(client, alice, bob, list_world, params, headers):
    hidden = list_world["bob employee"]
    params = {key: value.format(reference=hidden.reference, bob=bob.pk) for key, value in params.items()}

    response = list_page(client, alice, params, **headers)

    assert "bob employee" not in names_listed(response, list_world)
    shown = re.sub(r"<input[^>]*>", "", response.content.decode())  # what was typed is echoed back in the box
    for secret in (hidden.reference, "greta@staff.test", "Greta", "Shouted at"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "apologize"}, {"fresh", "old overdue", "supplier", "escalated", "alice employee"}),
        ({"stage": "reinstate"}, {"reinstating"}),
        ({"stage": "open"}, EVERYTHING - {"closed", "bob employee"}),
        ({"stage": "closed"}, {"closed"}),
        ({"group": "supplier"}, {"supplier"}),
        ({"group": "employee"}, {"alice employee"}),
        ({"severity": "high"}, {"old overdue"}),
        ({"severity": "low"}, {"supplier"}),
        ({"category": "Billing"}, {"old overdue"}),
        ({"owner": "bob"}, {"old overdue", "reinstating"}),
        ({"owner": "maria"}, {"escalated"}),
        ({"overdue": "on"}, {"old overdue", "supplier"}),
        # Escalated by a person, or overdue past the grace (medium: 4 h + 12 h; low: 8 h + 24 h).
        ({"escalated": "on"}, {"escalated", "old overdue", "supplier"}),
        ({"overdue": "", "escalated": ""}, EVERYTHING - {"bob employee"}),
        ({"received_from": "{days_ago_11}"}, EVERYTHING - {"old overdue", "bob employee"}),
        ({"received_to": "{days_ago_11}"}, {"old overdue"}),
        ({"received_from": "{days_ago_41}", "received_to": "{days_ago_9}"}, {"old overdue", "supplier"}),
        ({"q": "parcel"}, {"fresh"}),
        ({"q": "Sam Supp"}, {"supplier"}),
        ({"q": "Eve Employee"}, {"alice employee"}),
        ({"q": "kettle", "stage": "reinstate", "owner": "bob"}, {"reinstating"}),
        ({"q": "kettle", "stage": "closed"}, set()),
    ],
)
def test_each_filter_narrows_the_list(client, request, alice, list_world, params, expected):
    today = timezone.localdate()
    values = {
        "days_ago_11": today - timedelta(days=11),
        "days_ago_41": today - timedelta(days=41),
        "days_ago_9": today - timedelta(days=9),
    }
    resolved = {}
    for key, value in params.items():
        if key == "owner":
            value = request.getfixturevalue(value).pk
        elif key == "category":
            value = Category.objects.get(name=value).pk
        resolved[key] = value.format(**values) if isinstance(value, str) else value

    response = list_page(client, alice, resolved)

    assert response.status_code == 200
    assert response.context["filters_valid"], response.context["form"].errors
    assert names_listed(response, list_world) == expected


def test_a_reference_search_finds_the_complaint(client, alice, list_world):
    response = list_page(client, alice, {"q": list_world["supplier"].reference})

    assert names_listed(response, list_world) == {"supplier"}


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("-received", "alice employee", "old overdue"),
        ("received", "old overdue", "alice employee"),
        ("due", "old overdue", "closed"),
        ("-due", "reinstating", "closed"),
        ("", "alice employee", "old overdue"),
    ],
)
def test_the_list_sorts_by_received_or_due_time_either_way(client, alice, list_world, sort, first, last):
    shown = references_in(list_page(client, alice, {"sort": sort}).content.decode())

    assert (shown[0], shown[-1]) == (list_world[first].reference, list_world[last].reference)


def test_the_column_headers_offer_the_opposite_sort_and_keep_the_filters(client, alice, list_world):
    html = list_page(client, alice, {"sort": "-received", "severity": "medium", "page": "1"}).content.decode()

    assert 'aria-sort="descending"' in html
    assert f'href="{URL}?sort=received&amp;severity=medium"' in html
    assert f'href="{URL}?sort=due&amp;severity=medium"' in html


BAD_INPUT = [
    ({"received_from": "2026-13-45"}, "received_from", "Enter a valid date.", 'value="2026-13-45"'),
    ({"received_to": "yesterday"}, "received_to", "Enter a valid date.", 'value="yesterday"'),
    ({"received_from": "1066-10-14"}, "received_from", "between 1900 and 2999", 'value="1066-10-14"'),
    (
        {"received_from": "2025-05-02", "received_to": "2025-05-01"},
        "received_to",
        "The ‘to’ date is before the ‘from’ date.",
        'value="2025-05-01"',
    ),
    ({"stage": "bogus"}, "stage", "Choose one of the options in the list.", None),
    ({"severity": "extreme"}, "severity", "Choose one of the options in the list.", None),
    ({"group": "martians"}, "group", "Choose one of the options in the list.", None),
    ({"category": "abc"}, "category", "Choose one of the options in the list.", None),
    ({"owner": "999999"}, "owner", "Choose one of the options in the list.", None),
    ({"sort": "summary"}, "sort", "Choose one of the options in the list.", None),
    ({"q": "x" * 201}, "q", "at most 200 characters", f'value="{"x" * 201}"'),
    ({"q": "nul\x00byte"}, "q", "Null characters are not allowed.", None),
]


@pytest.mark.parametrize(("params", "field", "message", "kept"), BAD_INPUT)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_bad_filter_input_gets_a_message_next_to_the_filter_and_the_rest_still_works(
    client, alice, list_world, params, field, message, kept, headers
):
    response = list_page(client, alice, {**params, "severity": params.get("severity", "low")}, **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in error_slot(html, field)
    assert "could not be used" in html
    if field != "severity":
        assert names_listed(response, list_world) == {"supplier"}  # the good filter still applies
    if kept and not headers:
        assert kept in html
        assert 'aria-invalid="true"' in html


def test_a_date_the_picker_cannot_show_is_given_back_as_text_to_fix(client, alice):
    html = list_page(client, alice, {"received_from": "2026-13-45"}).content.decode()

    assert re.search(r'<input type="text" name="received_from" value="2026-13-45"', html)


def test_good_input_shows_no_messages(client, alice, list_world):
    html = list_page(client, alice, {"stage": "open", "received_from": "2020-01-01"}).content.decode()

    assert "could not be used" not in html
    assert all(error_slot(html, field).strip() == "" for field in ("stage", "received_from"))


def test_htmx_gets_only_the_results_with_the_count_and_messages_out_of_band(client, alice, list_world):
    response = list_page(client, alice, {"severity": "bogus"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert '<span id="result-count" hx-swap-oob="innerHTML">7 complaints' in html
    assert '<div id="filter-error-severity" hx-swap-oob="innerHTML">' in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, alice, list_world):
    response = list_page(client, alice, {"stage": "open"}, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_the_full_page_has_a_get_form_that_updates_the_results_in_place(client, alice, list_world):
    html = list_page(client, alice).content.decode()

    assert f'<form method="get" action="{URL}"' in html
    assert f'hx-get="{URL}" hx-target="#results" hx-push-url="true"' in html
    assert '<div id="results">' in html


def test_the_list_is_paginated_by_25_and_the_page_links_keep_the_filters(client, alice, customer):
    for _ in range(30):
        log_complaint(user=alice, customer=customer, summary="Kettle leaking again")

    first = list_page(client, alice, {"q": "kettle", "stage": "open"})
    second = list_page(client, alice, {"q": "kettle", "stage": "open", "page": "2"})

    assert len(references_in(first.content.decode())) == 25
    assert len(references_in(second.content.decode())) == 5
    assert "30 complaints · showing 1–25" in first.content.decode()
    assert f'href="{URL}?q=kettle&amp;stage=open&amp;page=2"' in first.content.decode()
    for page in ("abc", "999", "-1", ""):
        assert list_page(client, alice, {"page": page}).status_code == 200


def test_an_empty_result_says_what_to_do(client, alice, list_world):
    html = list_page(client, alice, {"q": "nothing like this"}).content.decode()

    assert "No complaints match" in html
    assert "Clear search and filters" in html


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["summary", "customer", "owner", "category", "q"])
def test_what_people_typed_is_shown_as_text(client, alice, field, payload):
    owner = front_line_user(username="xss-owner", first_name=payload) if field == "owner" else alice
    category = Category.objects.create(name=payload) if field == "category" else Category.objects.get(name="Delivery")
    log_complaint(
        user=owner,
        customer=new_customer(name=payload if field == "customer" else "Plain Name"),
        summary=payload if field == "summary" else "Plain summary",
        category=category,
    )

    html = list_page(client, alice, {"q": payload} if field == "q" else {}).content.decode()

    assert_shown_escaped(html, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["stage", "owner", "received_from", "sort", "page"])
def test_hostile_filter_values_never_come_back_as_markup(client, alice, field, payload):
    response = list_page(client, alice, {field: payload})

    assert response.status_code == 200
    html = response.content.decode()
    if field == "received_from":
        assert_shown_escaped(html, payload)  # given back in its box
    else:
        assert_never_raw(html, payload)  # not a choice: dropped, not shown
        assert escape(payload) not in html


@pytest.mark.parametrize("persona", ["alice", "maria"])
@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(
    "params", [{}, {"q": "parcel", "stage": "open", "sort": "due", "overdue": "on", "received_from": "2020-01-01"}]
)
def test_the_list_takes_the_same_few_queries_for_one_row_or_fifty(
    client, request, customer, persona, rows, params, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    for number in range(rows):
        log_complaint_at(
            timezone.now() - timedelta(days=1), user=user, customer=new_customer() if number % 2 else customer
        )
    client.force_login(user)

    # Session, user, roles …, the capped count, the page's keys, the page's rows.
    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(11):
        response = client.get(URL, params)

    assert response.status_code == 200
    assert len(references_in(response.content.decode())) == min(rows, 25)
