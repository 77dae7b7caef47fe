"""The complaint page: who may open it, what it shows, that it escapes what people typed, and its query count."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import CustomerGroup, Organization
from recovery.models import AtonementKind, Severity, Stage
from recovery.workflow import (
    complaint_add_note,
    complaint_assign,
    complaint_close,
    complaint_edit,
    complaint_escalate,
    complaint_reopen,
    complaint_skip_step,
)
from tests.factories import log_complaint, log_complaint_at
from tests.helpers.customers import new_customer
from tests.helpers.workflow import advance, bring_to, closed, do_step, employee_complaint
from tests.xss import PAYLOADS, assert_shown_escaped

pytestmark = pytest.mark.django_db

# Every URL of the complaint page, with the method a browser uses on it.
PAGE_URLS = [
    ("recovery:complaint_detail", "get"),
    ("recovery:complaint_step", "post"),
    ("recovery:complaint_skip", "post"),
    ("recovery:complaint_note", "post"),
    ("recovery:complaint_assign", "post"),
    ("recovery:complaint_escalate", "post"),
    ("recovery:complaint_close", "post"),
    ("recovery:complaint_reopen", "post"),
    ("recovery:complaint_edit", "post"),
]


def page(client: Any, complaint: Any) -> str:
    response = client.get(reverse("recovery:complaint_detail", args=[complaint.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def tracker_items(html: str) -> list[str]:
    """Return the class attribute of each step in the tracker, in order."""
    tracker = html.split('<ol class="tracker"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li class="([^"]*)"', tracker)


# --- who may open it -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob", "maria"])
def test_everyone_who_works_complaints_can_open_an_ordinary_complaint(request, client, complaint, persona):
    client.force_login(request.getfixturevalue(persona))

    html = page(client, complaint)

    assert complaint.reference in html


@pytest.mark.parametrize(("name", "method"), PAGE_URLS)
def test_someone_without_a_caredesk_role_is_refused_every_url(client, olivia, complaint, name, method):
    client.force_login(olivia)

    response = getattr(client, method)(reverse(name, args=[complaint.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), PAGE_URLS)
def test_signing_in_is_required_for_every_url(client, complaint, name, method):
    url = reverse(name, args=[complaint.pk])

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("name", "method"), PAGE_URLS)
def test_a_colleagues_employee_complaint_is_not_found_from_any_url(client, alice, bob, name, method, htmx):
    confidential = employee_complaint(bob)
    client.force_login(alice)
    headers = {"HX-Request": "true"} if htmx else {}

    response = getattr(client, method)(
        reverse(name, args=[confidential.pk]), {"text": "hello", "expected_version": "1"}, headers=headers
    )

    assert response.status_code == 404
    assert confidential.summary not in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "maria"])
def test_the_owner_and_managers_can_open_an_employee_complaint(request, client, bob, persona):
    confidential = employee_complaint(bob)
    client.force_login(request.getfixturevalue(persona))

    html = page(client, confidential)

    assert "Confidential: from a colleague" in html


def test_a_missing_complaint_is_not_found(client, alice):
    client.force_login(alice)

    assert client.get(reverse("recovery:complaint_detail", args=[999_999])).status_code == 404


# --- what it shows ---------------------------------------------------------------------------


def test_the_header_shows_reference_summary_and_where_the_complaint_stands(client, alice, customer):
    complaint = log_complaint(
        user=alice, customer=customer, severity=Severity.HIGH, summary="Cold soup", received_at=timezone.now()
    )
    client.force_login(alice)

    html = page(client, complaint)

    assert f'<span class="reference reference-lg">{complaint.reference}</span>' in html
    assert f"<title>{complaint.reference} · Cold soup · CareDesk</title>" in html
    for shown in ("Cold soup", "High severity", "Stage: Apologize", "Phone", "Delivery", "Alice Archer", "just now"):
        assert shown in html
    assert timezone.localtime(complaint.received_at).strftime("%H:%M") in html
    assert "due in 2 h" in html


def test_an_escalated_complaint_says_to_whom_and_why(client, alice, maria, complaint):
    complaint_escalate(complaint=complaint, user=alice, to=maria, reason="Customer is a journalist")
    client.force_login(alice)

    html = page(client, complaint)

    assert "Escalated to Maria Moreno" in html
    assert "Customer is a journalist" in html


def test_the_customer_card_shows_group_meaning_contact_and_a_link(client, alice):
    organization = Organization.objects.create(name="Northwind Traders")
    customer = new_customer(
        name="Dan Distributor",
        group=CustomerGroup.DISTRIBUTOR,
        email="dan@northwind.example",
        phone="+44 161 496 0000",
        organization=organization,
    )
    complaint = log_complaint(user=alice, customer=customer)
    client.force_login(alice)

    html = page(client, complaint)

    assert "Distributor" in html
    assert "Buys from us or sells on our behalf." in html
    assert 'href="mailto:dan@northwind.example"' in html
    assert "+44 161 496 0000" in html
    assert "Northwind Traders" in html
    assert f'href="{reverse("customers:customer_detail", args=[customer.pk])}"' in html


@pytest.mark.parametrize(("days_apart", "repeat"), [(1, True), (89, True), (-89, False), (91, False), (-120, False)])
def test_a_complaint_received_within_ninety_days_after_another_from_the_customer_is_flagged_as_a_repeat(
    client, alice, customer, days_apart, repeat
):
    now = timezone.now()
    complaint = log_complaint(user=alice, customer=customer, received_at=now - timedelta(days=130))
    log_complaint(user=alice, customer=customer, received_at=now - timedelta(days=130 + days_apart))
    client.force_login(alice)

    html = page(client, complaint)

    assert ("Repeat complaint" in html) is repeat


def test_the_customer_card_lists_the_last_five_other_complaints_with_their_stage(client, alice, customer):
    now = timezone.now()
    others = [
        log_complaint(user=alice, customer=customer, summary=f"Earlier {n}", received_at=now - timedelta(days=n))
        for n in range(1, 8)
    ]
    complaint = log_complaint(user=alice, customer=customer, summary="This one")
    client.force_login(alice)

    html = page(client, complaint)

    for shown in others[:5]:
        assert shown.reference in html
    for hidden in others[5:]:
        assert hidden.reference not in html
    assert "Other complaints (7)" in html
    assert "All 7 on the customer’s page" in html


def test_other_complaints_the_user_may_not_see_are_neither_listed_nor_counted(client, alice, bob):
    colleague = new_customer(name="Eve Employee", group=CustomerGroup.EMPLOYEE)
    mine = log_complaint(user=alice, customer=colleague, summary="Mine")
    theirs = log_complaint(user=bob, customer=colleague, summary="Bob's")
    client.force_login(alice)

    html = page(client, mine)

    assert theirs.reference not in html
    assert "Repeat complaint" not in html
    assert "None that you can see." in html


def test_the_tracker_marks_done_skipped_and_current_steps(client, alice, complaint):
    complaint = do_step(Stage.APOLOGIZE, complaint=complaint, user=alice)
    complaint = complaint_skip_step(complaint=complaint, user=alice, step=Stage.REINSTATE, reason="Nothing broke")
    client.force_login(alice)

    html = page(client, complaint)

    assert tracker_items(html) == ["done", "skipped", "current", "waiting", "waiting"]
    assert "Said sorry for the late parcel" in html
    assert "Why: Nothing broke" in html
    assert "5 min" in html


def test_an_overdue_current_step_is_marked_overdue(client, alice, customer):
    complaint = log_complaint_at(timezone.now() - timedelta(days=2), user=alice, customer=customer)
    client.force_login(alice)

    html = page(client, complaint)

    assert tracker_items(html)[0] == "current is-overdue"
    assert "overdue by" in html


def test_done_steps_show_the_atonement_and_the_follow_up(client, alice, complaint):
    complaint = advance(complaint, alice, Stage.ATONE)
    complaint = do_step(Stage.ATONE, complaint=complaint, user=alice, kind=AtonementKind.REFUND, value="12.50")
    complaint = do_step(
        Stage.FOLLOW_UP, complaint=complaint, user=alice, satisfaction=2, retained=False, customer_comment="Meh"
    )
    client.force_login(alice)

    html = page(client, complaint)

    assert tracker_items(html) == ["done"] * 5
    assert "Refund, worth £12.50" in html
    assert "Satisfaction 2 of 5 · lost" in html
    assert "Customer: “Meh”" in html
    assert "waiting to be closed" in html


def test_a_reopened_complaint_shows_the_new_round_and_the_earlier_one_quietly(client, alice, complaint):
    complaint = closed(complaint, alice)
    complaint = complaint_reopen(complaint=complaint, user=alice, to_step=Stage.ATONE, reason="Voucher bounced")
    client.force_login(alice)

    html = page(client, complaint)

    assert "round 2, reopened at “Atone”" in html
    assert tracker_items(html) == ["done", "done", "done", "current", "waiting"]
    assert "Done in round 1" in html
    assert "Earlier round (1)" in html
    assert "Voucher bounced" in html


def test_the_timeline_tells_every_kind_of_event_in_plain_words(client, alice, bob, maria, complaint):
    complaint = do_step(Stage.APOLOGIZE, complaint=complaint, user=alice)
    complaint = complaint_skip_step(complaint=complaint, user=alice, step=Stage.REINSTATE, reason="Nothing broke")
    complaint_add_note(complaint=complaint, user=bob, text="Customer called back")
    complaint = complaint_edit(complaint=complaint, user=alice, severity=Severity.HIGH, summary="Parcel very late")
    complaint = complaint_assign(complaint=complaint, user=alice, to=bob)
    complaint = complaint_escalate(complaint=complaint, user=bob, to=maria, reason="Wants a manager")
    complaint = advance(complaint, maria, Stage.CLOSE)
    complaint = complaint_close(complaint=complaint, user=maria)
    complaint_reopen(complaint=complaint, user=maria, to_step=Stage.FOLLOW_UP, reason="Unhappy again")
    client.force_login(maria)

    html = page(client, complaint)

    for sentence in (
        "Alice Archer logged the complaint",
        "Alice Archer recorded the apology · 5 min",
        "Alice Archer marked “Reinstate” as not needed:",
        "Bob Baker added a note:",
        "Customer called back",
        "Alice Archer edited the details",
        "Parcel arrived two days late</del>",
        "Parcel very late</ins>",
        "Medium</del>",
        "High</ins>",
        "Alice Archer handed the complaint to Bob Baker",
        "Bob Baker escalated to Maria Moreno:",
        "Wants a manager",
        "Maria Moreno acknowledged the customer’s frustration",
        "Maria Moreno recorded the atonement · Voucher, worth £25.00",
        "Maria Moreno recorded the follow-up · satisfaction 4 of 5, the customer stayed",
        "Maria Moreno closed the complaint: the customer stayed",
        "Maria Moreno reopened the complaint at “Follow up” (round 2):",
        "Unhappy again",
    ):
        assert sentence in html, sentence


def test_a_manager_reassigning_someone_elses_complaint_reads_as_from_and_to(client, alice, bob, maria, complaint):
    complaint_assign(complaint=complaint, user=maria, to=bob)
    client.force_login(maria)

    assert "Maria Moreno reassigned the complaint from Alice Archer to Bob Baker" in page(client, complaint)


# --- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_everything_people_typed_is_shown_as_text(client, alice, bob, maria, payload):
    bob.first_name = payload
    bob.save()
    organization = Organization.objects.create(name=payload)
    customer = new_customer(name=payload, organization=organization)
    complaint = log_complaint(
        user=alice, customer=customer, summary=payload, description=payload, desired_remedy=payload
    )
    complaint = do_step(Stage.APOLOGIZE, complaint=complaint, user=alice, note=payload)
    complaint = complaint_skip_step(complaint=complaint, user=alice, step=Stage.REINSTATE, reason=payload)
    complaint_add_note(complaint=complaint, user=bob, text=payload)
    complaint = complaint_edit(complaint=complaint, user=alice, root_cause=payload, corrective_action=payload)
    complaint = complaint_escalate(complaint=complaint, user=alice, to=maria, reason=payload)
    complaint = advance(complaint, maria, Stage.ATONE)
    complaint = do_step(Stage.ATONE, complaint=complaint, user=maria, note=payload)
    complaint = do_step(Stage.FOLLOW_UP, complaint=complaint, user=maria, note=payload, customer_comment=payload)
    complaint = complaint_close(complaint=complaint, user=maria)
    complaint_reopen(complaint=complaint, user=maria, to_step=Stage.FOLLOW_UP, reason=payload)
    log_complaint(user=alice, customer=customer, summary=payload)
    client.force_login(maria)

    html = page(client, complaint)

    assert_shown_escaped(html, payload)
    assert html.count(escape(payload)) >= 12


# --- queries -----------------------------------------------------------------------------------


def busy_complaint(alice: Any, maria: Any, customer: Any, rows: int) -> Any:
    """Return a complaint with `rows` notes, earlier complaints of its customer and (for many) reopened rounds."""
    complaint = log_complaint(user=alice, customer=customer)
    for n in range(rows):
        log_complaint(user=alice, customer=customer, summary=f"Other {n}", received_at=timezone.now())
        complaint_add_note(complaint=complaint, user=alice, text=f"Note {n}")
    for _ in range(rows // 5):
        complaint = closed(complaint, alice)
        complaint = complaint_reopen(complaint=complaint, user=maria, to_step=Stage.APOLOGIZE, reason="Again")
    return bring_to(complaint, alice, Stage.ATONE)


# 16, plus one for the coaching section (training, through recovery.page_links) on a complaint ever closed,
# +1 the menu's inbox count (intake).
QUERY_BOUND = 18


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("persona", ["alice", "maria"])
def test_the_page_takes_the_same_number_of_queries_however_much_history(
    request, client, alice, maria, customer, django_assert_max_num_queries, rows, persona
):
    complaint = busy_complaint(alice, maria, customer, rows)
    client.force_login(request.getfixturevalue(persona))

    with django_assert_max_num_queries(QUERY_BOUND):
        html = page(client, complaint)

    assert html.count('class="kind-note"') == rows


# Recording a step adds the workflow's reads and writes (lock, checks, insert, update, event) to the page's queries,
# plus four for its reminders (read the policy's escalation grace, read the complaint's reminders, cancel the done
# step's, create the next step's); reaching the follow-up adds two for the customer's survey (find this round's,
# create it) and one for the page to show it; a front-line atonement adds one for the service policy's empowerment
# limit it must stay within.
HTMX_STEP_QUERY_BOUND = 31


@pytest.mark.parametrize("rows", [1, 50])
def test_recording_a_step_with_htmx_takes_the_same_number_of_queries_however_much_history(
    client, alice, maria, customer, django_assert_max_num_queries, rows
):
    complaint = busy_complaint(alice, maria, customer, rows)
    client.force_login(alice)
    data = {"step": "atone", "kind": "refund", "value": "10", "expected_version": complaint.version}

    with django_assert_max_num_queries(HTMX_STEP_QUERY_BOUND):
        response = client.post(
            reverse("recovery:complaint_step", args=[complaint.pk]), data, headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert "Atonement recorded" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("reminder_sent", {}, "CareDesk reminded alice@example.com that “Apologize” is overdue"),
        ("reminder_failed", {"error": "Connection refused"}, "CareDesk could not send the reminder that"),
    ],
)
def test_reminders_appear_on_the_timeline_in_plain_words(client, alice, complaint, kind, extra, expected):
    from recovery.models import ComplaintEvent

    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=None,
        kind=kind,
        created_at=timezone.now(),
        payload={"reminder": "step_overdue", "step": "apologize", "to": "alice@example.com", **extra},
    )
    client.force_login(alice)
    html = page(client, complaint)
    assert escape(expected) in html
    if extra:
        assert "Connection refused" in html


def test_a_complaints_own_url_is_its_page_not_the_admin(complaint):
    assert complaint.get_absolute_url() == reverse("recovery:complaint_detail", args=[complaint.pk])
