"""The complaints API: the list (filters, search, sort, cursors), one complaint, logging one.

The same rules as the screens, because the same selectors and workflow run underneath: who sees what
(a colleague's confidential complaint is absent to the front line), the log form's checks, and a fixed
number of queries however many rows a page or a timeline holds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from api.representations import complaint_representation
from customers.models import CustomerGroup
from recovery import selectors, timeline
from recovery.models import Category, Complaint, Stage
from recovery.workflow import complaint_add_note
from tests.factories import log_complaint
from tests.helpers.api import api_client, problem
from tests.helpers.customers import new_customer
from tests.helpers.workflow import advance

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"


def detail_url(complaint: Any) -> str:
    return f"{LIST}{complaint.pk}/"


def references(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def all_pages(client: Any, url: str) -> list[str]:
    """Follow `next` from `url` to the end; return every reference in the order given."""
    seen: list[str] = []
    while url:
        response = client.get(url)
        seen += references(response)
        url = response.json()["next"]
    return seen


# --- the list ------------------------------------------------------------------------------------------


def test_the_list_gives_each_complaint_in_its_short_form(alice: Any, complaint: Any) -> None:
    row = api_client(alice).get(LIST).json()["results"][0]

    assert row == complaint_representation(selectors.get_complaint_for(alice, complaint.pk))
    assert row["reference"] == complaint.reference
    assert row["stage"] == "apologize"
    assert row["customer"] == {"id": complaint.customer.pk, "name": "Carla Customer", "group": "end_user"}
    assert row["owner"] == {"id": alice.pk, "username": "alice", "name": "Alice Archer"}
    assert row["category"]["name"] == "Delivery"
    assert (row["escalated"], row["outcome"], row["closed_at"]) == (False, None, None)
    assert row["url"].endswith(reverse("api:complaint-detail", args=[complaint.pk]))
    assert row["page_url"].endswith(reverse("recovery:complaint_detail", args=[complaint.pk]))


def test_the_list_leaves_out_a_colleagues_confidential_complaint(list_world: Any, alice: Any, maria: Any) -> None:
    everything = {c.reference for c in list_world.values()}
    bobs_employee = list_world["bob employee"].reference

    assert set(all_pages(api_client(alice), LIST)) == everything - {bobs_employee}
    assert set(all_pages(api_client(maria), LIST)) == everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=closed", {"closed"}),
        ("stage=reinstate", {"reinstating"}),
        ("severity=high", {"old overdue"}),
        ("group=supplier", {"supplier"}),
        ("q=kettle", {"reinstating"}),
        ("q=Sam+Supplier", {"supplier"}),
        ("escalated=true", {"escalated", "old overdue", "supplier"}),
        ("overdue=true", {"old overdue", "supplier"}),
        ("outcome=retained", {"closed"}),
    ],
)
def test_the_list_filters_and_searches_as_the_complaint_list_does(
    list_world: Any, maria: Any, query: str, expected: set[str]
) -> None:
    found = set(all_pages(api_client(maria), f"{LIST}?{query}"))

    assert found == {list_world[name].reference for name in expected}


def test_the_list_filters_by_owner_and_category(list_world: Any, maria: Any, bob: Any) -> None:
    billing = Category.objects.get(name="Billing")
    client = api_client(maria)

    by_bob = set(all_pages(client, f"{LIST}?owner={bob.pk}"))
    in_billing = set(all_pages(client, f"{LIST}?category={billing.pk}"))

    assert by_bob == {list_world[name].reference for name in ("old overdue", "reinstating", "bob employee")}
    assert in_billing == {list_world["old overdue"].reference}


def test_invalid_filters_are_refused_per_field_not_ignored(alice: Any, complaint: Any) -> None:
    response = api_client(alice).get(
        f"{LIST}?stage=nowhere&received_from=2026-13-45&closed_from=2026-03-02&closed_to=2026-03-01&owner=999999"
    )

    body = problem(response, 400)
    assert set(body["errors"]) == {"stage", "received_from", "closed_to", "owner"}
    assert body["errors"]["stage"] == ["Choose one of the options in the list."]
    assert body["errors"]["closed_to"] == ["The ‘to’ date is before the ‘from’ date."]


def test_sort_orders_the_pages_and_the_cursor_walks_them_all(alice: Any, customer: Any) -> None:
    now = timezone.now()
    made = [
        log_complaint(user=alice, customer=customer, received_at=now - timedelta(hours=hours), summary=f"No. {hours}")
        for hours in (5, 1, 3, 2, 4)
    ]
    client = api_client(alice)
    newest_first = [c.reference for c in sorted(made, key=lambda c: c.received_at, reverse=True)]

    assert all_pages(client, f"{LIST}?page_size=2") == newest_first
    assert all_pages(client, f"{LIST}?page_size=2&sort=received") == newest_first[::-1]
    first_page = client.get(f"{LIST}?page_size=2").json()
    assert first_page["previous"] is None
    second_page = client.get(first_page["next"]).json()
    assert [r["reference"] for r in client.get(second_page["previous"]).json()["results"]] == newest_first[:2]


def test_sort_by_due_puts_complaints_without_a_due_time_last(alice: Any, customer: Any) -> None:
    waiting_to_close = advance(log_complaint(user=alice, customer=customer), alice, Stage.CLOSE)
    others = [log_complaint(user=alice, customer=customer, severity=s) for s in ("low", "critical", "medium")]
    by_due = sorted(others, key=lambda c: c.step_due_at)

    found = all_pages(api_client(alice), f"{LIST}?sort=due&page_size=1")

    assert found == [c.reference for c in by_due] + [waiting_to_close.reference]


@pytest.mark.parametrize(
    ("query", "field"), [("sort=summary", "sort"), ("page_size=0", "page_size"), ("page_size=101", "page_size")]
)
def test_an_unknown_sort_or_page_size_is_refused(alice: Any, complaint: Any, query: str, field: str) -> None:
    body = problem(api_client(alice).get(f"{LIST}?{query}"), 400)

    assert field in body["errors"]


def test_the_list_needs_a_token_and_a_role(olivia: Any, complaint: Any) -> None:
    problem(api_client().get(LIST), 401)
    problem(api_client(olivia).get(LIST), 403)
    problem(api_client(olivia).get(detail_url(complaint)), 403)


# --- one complaint -----------------------------------------------------------------------------------


def test_the_detail_has_the_steps_the_timeline_and_what_you_may_do(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.EMPATHIZE)
    complaint_add_note(complaint=complaint, user=alice, text="Customer prefers email")

    body = api_client(alice).get(detail_url(complaint)).json()

    assert body["version"] == complaint.version
    assert body["description"] == "Customer waited in all day twice."
    assert [(s["step"], s["status"]) for s in body["steps"]] == [
        ("apologize", "done"),
        ("reinstate", "done"),
        ("empathize", "current"),
        ("atone", "waiting"),
        ("follow_up", "waiting"),
    ]
    assert body["steps"][0]["action"]["note"] == "Said sorry for the late parcel"
    assert body["steps"][2]["due_at"] is not None
    assert [a["step"] for a in body["actions"]] == ["apologize", "reinstate"]
    assert body["allowed_actions"] == ["empathize", "skip", "notes", "assign", "escalate", "edit", "customer-emails"]
    assert body["escalation"] is None
    assert body["logged_by"]["username"] == "alice"


def test_the_timeline_says_what_the_page_says(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.REINSTATE)
    complaint_add_note(complaint=complaint, user=alice, text="Customer prefers email")
    progress = selectors.complaint_progress(complaint)
    page = [timeline.describe(e, progress.actions_by_id) for e in selectors.complaint_timeline(complaint)]

    told = api_client(alice).get(detail_url(complaint)).json()["timeline"]

    assert [(t["kind"], t["text"], t["detail"]) for t in told] == [(e.event.kind, e.text, e.detail) for e in page]
    assert told[-1]["text"] == "Alice Archer added a note:"
    assert told[-1]["actor"]["name"] == "Alice Archer"


def test_a_colleague_who_does_not_own_it_may_only_add_notes(bob: Any, complaint: Any) -> None:
    assert api_client(bob).get(detail_url(complaint)).json()["allowed_actions"] == ["notes"]


def test_a_confidential_complaint_is_absent_to_the_front_line(
    marks_complaint: Any, alice: Any, bob: Any, maria: Any, mark: Any
) -> None:
    problem(api_client(bob).get(detail_url(marks_complaint)), 404)
    assert marks_complaint.reference not in all_pages(api_client(bob), LIST)

    for who in (alice, maria, mark):
        assert api_client(who).get(detail_url(marks_complaint)).status_code == 200
        assert marks_complaint.reference in all_pages(api_client(who), LIST)
    # The colleague who complained sees it, and may add notes, never handle it.
    assert api_client(mark).get(detail_url(marks_complaint)).json()["allowed_actions"] == ["notes"]


def test_a_complaint_that_does_not_exist_is_404(alice: Any) -> None:
    problem(api_client(alice).get(f"{LIST}999999/"), 404)


# --- logging a complaint ---------------------------------------------------------------------------------


@pytest.fixture
def log_body(customer: Any) -> dict[str, Any]:
    return {
        "customer": customer.pk,
        "category": Category.objects.get(name="Delivery").pk,
        "channel": "phone",
        "severity": "high",
        "summary": "Parcel left in the rain",
        "description": "Soaked through.",
    }


def test_logging_a_complaint_answers_201_with_it_and_its_address(
    alice: Any, bob: Any, log_body: dict[str, Any]
) -> None:
    response = api_client(alice).post(LIST, {**log_body, "owner": bob.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    stored = Complaint.objects.get(pk=body["id"])
    assert response["Location"] == body["url"]
    assert (stored.summary, stored.severity, stored.owner, stored.logged_by) == (
        "Parcel left in the rain",
        "high",
        bob,
        alice,
    )
    assert (body["stage"], body["version"]) == ("apologize", 1)
    assert body["timeline"][0]["text"] == "Alice Archer logged the complaint and gave it to Bob Baker"


def test_logging_is_owned_by_the_caller_unless_said_and_may_be_back_dated(alice: Any, log_body: dict[str, Any]) -> None:
    received = (timezone.now() - timedelta(days=2)).replace(microsecond=0)

    body = api_client(alice).post(LIST, {**log_body, "received_at": received.isoformat()}, format="json").json()

    stored = Complaint.objects.get(pk=body["id"])
    assert stored.owner == alice
    assert stored.received_at == received


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"summary": "   "}, "summary", "Enter a short summary."),
        ({"summary": "Two\nlines"}, "summary", "Keep this on one line."),
        ({"summary": "x" * 201}, "summary", "Keep this to 200 characters."),
        ({"description": "bad \x07 bell"}, "description", "Remove the invisible control characters"),
        ({"customer": 999999}, "customer", "That customer was not found."),
        ({"customer": None}, "customer", "This field may not be null."),
        ({"channel": "pigeon"}, "channel", "Choose a channel."),
        ({"severity": ""}, "severity", "Choose a severity."),
        ({"owner": 999999}, "owner", "Choose a colleague who handles complaints."),
        ({"received_at": "2020-01-01T10:00:00"}, "received_at", "Give the time with its offset from UTC"),
        ({"received_at": "yesterday"}, "received_at", "Datetime has wrong format."),
        ({"received_at": "2999-01-01T10:00:00+00:00"}, "received_at", "The time received cannot be in the future."),
    ],
)
def test_logging_checks_each_field_as_the_log_form_does(
    alice: Any, log_body: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    body = problem(api_client(alice).post(LIST, {**log_body, **change}, format="json"), 400)

    assert body["errors"][field][0].startswith(message)
    assert not Complaint.objects.exists()


def test_logging_refuses_an_inactive_category_and_a_missing_summary(alice: Any, log_body: dict[str, Any]) -> None:
    retired = Category.objects.create(name="Retired", is_active=False)
    del log_body["summary"]

    body = problem(api_client(alice).post(LIST, {**log_body, "category": retired.pk}, format="json"), 400)

    assert body["errors"] == {
        "category": ["Choose one of the active categories."],
        "summary": ["Enter a short summary."],
    }


def test_logging_for_an_erased_customer_is_refused_by_the_workflow(alice: Any, log_body: dict[str, Any]) -> None:
    erased = new_customer(erased_at=timezone.now())

    body = problem(api_client(alice).post(LIST, {**log_body, "customer": erased.pk}, format="json"), 422)

    assert body["field"] == "customer"
    assert body["detail"] == "This customer's personal data was erased: add the person as a new customer."
    assert body["errors"] == {"customer": [body["detail"]]}


def test_a_colleague_cannot_be_given_their_own_complaint(alice: Any, mark: Any, log_body: dict[str, Any]) -> None:
    himself = new_customer(name="Mark Manning", group=CustomerGroup.EMPLOYEE, staff_user=mark)

    body = problem(
        api_client(alice).post(LIST, {**log_body, "customer": himself.pk, "owner": mark.pk}, format="json"), 422
    )

    assert body["field"] == "owner"


def test_logging_a_colleagues_complaint_for_someone_else_answers_with_its_short_form(
    alice: Any, bob: Any, log_body: dict[str, Any]
) -> None:
    colleague = new_customer(name="Eve Employee", group=CustomerGroup.EMPLOYEE)

    response = api_client(alice).post(LIST, {**log_body, "customer": colleague.pk, "owner": bob.pk}, format="json")

    assert response.status_code == 201, response.content
    stored = Complaint.objects.get(pk=response.json()["id"])
    assert response.json() == complaint_representation(stored)
    problem(api_client(alice).get(response["Location"]), 404)


def test_an_outsider_cannot_log_and_neither_can_anyone_without_a_token(olivia: Any, log_body: dict[str, Any]) -> None:
    problem(api_client(olivia).post(LIST, log_body, format="json"), 403)
    problem(api_client().post(LIST, log_body, format="json"), 401)
    assert not Complaint.objects.exists()


def test_a_retry_with_the_same_key_gives_the_first_answer_and_logs_once(alice: Any, log_body: dict[str, Any]) -> None:
    client = api_client(alice)

    first = client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    again = client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(alice: Any, log_body: dict[str, Any]) -> None:
    client = api_client(alice)
    client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")

    body = problem(
        client.post(LIST, {**log_body, "summary": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="order-42"), 422
    )

    assert "different request" in body["detail"]
    assert Complaint.objects.count() == 1


def test_without_a_key_or_with_another_key_each_request_logs(alice: Any, log_body: dict[str, Any]) -> None:
    client = api_client(alice)
    client.post(LIST, log_body, format="json")
    client.post(LIST, log_body, format="json")
    client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="a")
    client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="b")

    assert Complaint.objects.count() == 4


def test_a_refused_request_keeps_no_answer_so_a_corrected_retry_logs(alice: Any, log_body: dict[str, Any]) -> None:
    client = api_client(alice)
    problem(client.post(LIST, {**log_body, "summary": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k"), 400)

    # The same key with a different body: the refused request kept nothing to compare with.
    assert client.post(LIST, log_body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


# --- query counts --------------------------------------------------------------------------------------

# Token, user's permissions (2), the page; the token's last use is noted at most once a minute.
LIST_QUERIES = 4
DETAIL_QUERIES = 6


def test_the_list_costs_the_same_queries_for_1_and_50_complaints(
    alice: Any, customer: Any, django_assert_num_queries: Any
) -> None:
    log_complaint(user=alice, customer=customer)
    client = api_client(alice)
    client.get(LIST)  # the token's last use is noted once; then the count is the steady one

    with django_assert_num_queries(LIST_QUERIES):
        assert len(references(client.get(f"{LIST}?page_size=100"))) == 1
    for _ in range(49):
        log_complaint(user=alice, customer=customer)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(references(client.get(f"{LIST}?page_size=100"))) == 50
    with django_assert_num_queries(LIST_QUERIES):
        assert len(references(client.get(f"{LIST}?page_size=100&sort=due&q=parcel&stage=open"))) == 50


def test_the_detail_costs_the_same_queries_with_1_and_50_timeline_entries(
    alice: Any, complaint: Any, django_assert_num_queries: Any
) -> None:
    client = api_client(alice)
    client.get(detail_url(complaint))

    with django_assert_num_queries(DETAIL_QUERIES):
        assert len(client.get(detail_url(complaint)).json()["timeline"]) == 1
    advance(complaint, alice, Stage.CLOSE)
    for number in range(45):
        complaint_add_note(complaint=complaint, user=alice, text=f"Note {number}")
    with django_assert_num_queries(DETAIL_QUERIES):
        body = client.get(detail_url(complaint)).json()
    assert (len(body["timeline"]), len(body["actions"])) == (51, 5)
