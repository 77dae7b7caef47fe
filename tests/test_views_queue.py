"""My queue: my open complaints, the most urgent first, with counts at the top."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from recovery.models import Severity
from recovery.workflow import complaint_escalate
from tests.factories import log_complaint, log_complaint_at
from tests.helpers.customers import new_customer
from tests.helpers.workflow import closed, employee_complaint
from tests.xss import PAYLOADS, assert_shown_escaped

URL = reverse("recovery:my_queue")
# 21:00 in London (GMT in March): late enough that "later today" and "tomorrow" differ by hours.
EVENING = datetime(2025, 3, 3, 21, 0, tzinfo=UTC)


def queue_page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def references_in(html: str) -> list[str]:
    return re.findall(r'class="reference[^"]*"[^>]*>(C-\d+)<', html)


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("maria", 200), ("olivia", 403)])
def test_each_role_gets_the_queue_or_a_refusal(client, request, persona, status):
    response = queue_page(client, request.getfixturevalue(persona))

    assert response.status_code == status


def test_someone_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_the_queue_shows_only_my_open_complaints(client, alice, bob, maria, customer):
    mine = log_complaint(user=alice, customer=customer, summary="Mine and open")
    my_closed = closed(log_complaint(user=alice, customer=customer, summary="Mine but closed"), alice)
    bobs = log_complaint(user=bob, customer=customer, summary="Bob's")
    bobs_confidential = employee_complaint(bob)
    handed_up = complaint_escalate(
        complaint=log_complaint(user=alice, customer=customer), user=alice, to=maria, reason="Needs a manager"
    )

    html = queue_page(client, alice).content.decode()

    assert references_in(html) == [mine.reference]
    for other in (my_closed, bobs, bobs_confidential, handed_up):
        assert other.reference not in html
    assert references_in(queue_page(client, maria).content.decode()) == [handed_up.reference]


def queue_items(html: str) -> dict[str, str]:
    """Return each queue item's markup by the reference it shows."""
    items = html.split('<li class="queue-item')[1:]
    return {references_in(item)[0]: item for item in items}


def test_overdue_complaints_come_first_and_are_marked(client, alice, customer):
    with time_machine.travel(EVENING, tick=False):
        later = log_complaint(user=alice, customer=customer, severity=Severity.LOW, received_at=EVENING)
        overdue = log_complaint_at(EVENING - timedelta(hours=56), user=alice, customer=customer)
        soon = log_complaint(user=alice, customer=customer, severity=Severity.CRITICAL, received_at=EVENING)

        html = queue_page(client, alice).content.decode()

    assert references_in(html) == [overdue.reference, soon.reference, later.reference]
    items = queue_items(html)
    assert items[overdue.reference].startswith(' is-overdue"')
    assert "overdue by 2 d" in items[overdue.reference]
    assert "due in 1 h" in items[soon.reference]
    assert "due in 8 h" in items[later.reference]
    assert not items[soon.reference].startswith(' is-overdue"')


def test_the_counts_say_how_many_are_open_overdue_and_due_later_today(client, alice, customer):
    with time_machine.travel(EVENING, tick=False):
        log_complaint_at(EVENING - timedelta(hours=5), user=alice, customer=customer)  # due 20:00: overdue
        log_complaint(user=alice, customer=customer, severity=Severity.CRITICAL)  # due 22:00: later today
        log_complaint(user=alice, customer=customer)  # due 01:00 tomorrow

        response = queue_page(client, alice)

    assert response.context["counts"] == {"open": 3, "overdue": 1, "due_today": 1}
    html = re.sub(r"\s+", " ", response.content.decode())
    for label, number in (("Open", 3), ("Overdue", 1), ("Due later today", 1)):
        assert f"<dt>{label}</dt> <dd>{number}</dd>" in html


def test_each_row_says_the_next_step_the_customer_and_links_to_the_complaint(client, alice, customer):
    complaint = log_complaint(user=alice, customer=customer, summary="Parcel arrived two days late")

    html = queue_page(client, alice).content.decode()

    assert reverse("recovery:complaint_detail", args=[complaint.pk]) in html
    for text in ("Apologize", "Carla Customer", "End-user", "Parcel arrived two days late", "Medium"):
        assert text in html


def test_an_empty_queue_says_so_kindly_and_offers_to_log_a_complaint(client, alice):
    html = queue_page(client, alice).content.decode()

    assert "Nothing waiting for you" in html
    assert f'href="{reverse("recovery:complaint_log")}"' in html


def test_a_long_queue_is_paginated_and_no_page_number_breaks_it(client, alice, customer):
    for _ in range(27):
        log_complaint(user=alice, customer=customer)

    first = queue_page(client, alice)
    second = queue_page(client, alice, page=2)

    assert len(references_in(first.content.decode())) == 25
    assert len(references_in(second.content.decode())) == 2
    for page in ("abc", "999", "-1", "0"):
        assert queue_page(client, alice, page=page).status_code == 200


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["summary", "customer"])
def test_what_people_typed_is_shown_as_text(client, alice, field, payload):
    customer = new_customer(name=payload if field == "customer" else "Plain Name")
    log_complaint(user=alice, customer=customer, summary=payload if field == "summary" else "Plain summary")

    assert_shown_escaped(queue_page(client, alice).content.decode(), payload)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_takes_the_same_few_queries_for_one_row_or_fifty(
    client, alice, customer, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    # +1 since the service policy's banner (policy.context_processors), +1 the menu's inbox count (intake).
    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(references_in(response.content.decode())) == min(rows, 25)
