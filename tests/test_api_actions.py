"""The actions on a complaint through the API: each a POST that calls `recovery.workflow`.

A whole recovery through the API alone, then each rule the screens keep: the step order (422 with the
workflow's words), a stale `expected_version` (409 with the version now), the fields of each form (400
per field), who may act (the owner or a manager, never the complainant; a colleague's confidential
complaint is absent), the empowerment limit, and a fixed number of queries however long the history.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from policy.bootstrap import ensure_first_version
from recovery.models import Category, Complaint, ComplaintEvent, RecoveryAction, Stage
from recovery.workflow import complaint_add_note, complaint_escalate
from tests.factories import log_complaint
from tests.helpers.api import api_client, problem
from tests.helpers.workflow import advance, closed, fresh, snapshot

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def first_policy(db: None) -> None:
    """Version 1 of the service policy (its empowerment limit is £50), as the data migration makes it."""
    ensure_first_version(apps)


def act(client: Any, complaint: Any, action: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{LIST}{complaint.pk}/{action}/", body or {}, format="json")


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def refused(call: Any, status: int, complaint: Any) -> dict[str, Any]:
    """Return the problem `call()` answers with, checking that nothing was stored."""
    before = snapshot(complaint)
    body = problem(call(), status)
    assert snapshot(complaint) == before
    return body


# --- a whole recovery --------------------------------------------------------------------------------


def test_a_whole_recovery_through_the_api_alone(alice: Any, customer: Any) -> None:
    client = api_client(alice)
    logged = client.post(
        LIST,
        {
            "customer": customer.pk,
            "category": Category.objects.get(name="Delivery").pk,
            "channel": "email",
            "severity": "medium",
            "summary": "Parcel arrived two days late",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content
    complaint = Complaint.objects.get(pk=logged.json()["id"])
    version = logged.json()["version"]

    steps: list[tuple[str, dict[str, Any], str]] = [
        ("apologize", {"note": "Said sorry on the phone", "minutes": 5}, "reinstate"),
        ("reinstate", {"note": "Re-sent by courier"}, "empathize"),
        ("empathize", {"note": "Two wasted days is maddening"}, "atone"),
        ("atone", {"kind": "voucher", "value": "25.00", "note": "Voucher"}, "follow_up"),
        ("follow-up", {"satisfaction": 4, "retained": True, "customer_comment": "Thanks"}, "close"),
        ("close", {"root_cause": "Courier overbooked", "corrective_action": "Second courier"}, "closed"),
    ]
    for action, fields, stage_after in steps:
        body = ok(act(client, complaint, action, {**fields, "expected_version": version}))
        assert body["stage"] == stage_after, action
        assert body["version"] == version + 1
        version = body["version"]

    assert body["outcome"] == "retained"
    assert body["closed_at"] is not None
    assert body["allowed_actions"] == ["notes", "reopen", "edit"]
    assert [s["status"] for s in body["steps"]] == ["done"] * 5
    assert [t["kind"] for t in body["timeline"]] == ["logged", *["step_done"] * 5, "closed"]
    assert body["timeline"][4]["text"] == "Alice Archer recorded the atonement · Voucher, worth £25.00"
    stored = fresh(complaint)
    assert (stored.root_cause, stored.corrective_action, stored.satisfaction) == (
        "Courier overbooked",
        "Second courier",
        4,
    )

    reopened = ok(
        act(
            client,
            complaint,
            "reopen",
            {"to_step": "empathize", "reason": "Came back upset", "expected_version": version},
        )
    )

    assert (reopened["stage"], reopened["round"], reopened["outcome"]) == ("empathize", 2, None)
    assert [(s["step"], s["status"], s["from_earlier_round"]) for s in reopened["steps"]][:3] == [
        ("apologize", "done", True),
        ("reinstate", "done", True),
        ("empathize", "current", False),
    ]
    assert reopened["timeline"][-1]["text"] == "Alice Archer reopened the complaint at “Empathize” (round 2):"
    assert reopened["timeline"][-1]["detail"] == "Came back upset"


def test_a_middle_step_can_be_marked_not_needed(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.REINSTATE)

    body = ok(act(api_client(alice), complaint, "skip", {"step": "reinstate", "reason": "Nothing to fix"}))

    assert body["stage"] == "empathize"
    assert body["steps"][1]["status"] == "skipped"
    assert body["steps"][1]["action"]["skip_reason"] == "Nothing to fix"


def test_the_outcome_of_a_close_comes_from_the_follow_up_when_not_given(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.CLOSE)

    assert ok(act(api_client(alice), complaint, "close"))["outcome"] == "retained"
    assert fresh(complaint).root_cause == ""


# --- the workflow's rules --------------------------------------------------------------------------------


def test_a_step_out_of_order_is_refused_with_the_workflows_words(alice: Any, complaint: Any) -> None:
    body = refused(lambda: act(api_client(alice), complaint, "empathize", {"note": "Too soon"}), 422, complaint)

    assert body["detail"] == "“Empathize” cannot come yet: the steps go in order and the next one is “Apologize”."
    assert body["type"] == "/api/v1/problems/refused"
    assert "field" not in body


def test_a_step_already_done_is_refused(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.REINSTATE)

    body = refused(lambda: act(api_client(alice), complaint, "apologize"), 422, complaint)

    assert body["detail"].startswith("“Apologize” was already recorded by Alice Archer")


def test_closing_before_the_follow_up_is_refused(alice: Any, complaint: Any) -> None:
    body = refused(lambda: act(api_client(alice), complaint, "close"), 422, complaint)

    assert (
        body["detail"] == f"{complaint.reference} cannot be closed before its follow-up; the next step is “Apologize”."
    )


def test_a_stale_version_is_409_with_the_version_now(alice: Any, complaint: Any) -> None:
    client = api_client(alice)
    read = client.get(f"{LIST}{complaint.pk}/").json()["version"]
    ok(act(client, complaint, "edit", {"severity": "high", "expected_version": read}))

    body = refused(
        lambda: act(client, complaint, "apologize", {"note": "Sorry", "expected_version": read}), 409, complaint
    )

    assert body["current_version"] == read + 1
    assert body["type"] == "/api/v1/problems/stale"
    assert body["detail"].startswith(f"{complaint.reference} was changed by someone else while you were working on it")


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("assign", {"to": "BOB"}),
        ("escalate", {"to": "MARIA", "reason": "Needs a manager"}),
        ("customer-emails", {"enabled": False}),
        ("skip", {"step": "reinstate", "reason": "Nothing to fix"}),
    ],
)
def test_every_versioned_action_refuses_a_stale_version(
    alice: Any, bob: Any, maria: Any, complaint: Any, action: str, fields: dict[str, Any]
) -> None:
    complaint = advance(complaint, alice, Stage.REINSTATE)
    people = {"BOB": bob.pk, "MARIA": maria.pk}
    fields = {name: people.get(value, value) if isinstance(value, str) else value for name, value in fields.items()}

    body = refused(
        lambda: act(api_client(alice), complaint, action, {**fields, "expected_version": complaint.version - 1}),
        409,
        complaint,
    )

    assert body["current_version"] == complaint.version


def test_without_an_expected_version_the_action_acts_on_the_complaint_as_it_is(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.REINSTATE)

    assert ok(act(api_client(alice), complaint, "reinstate", {"note": "Fixed"}))["stage"] == "empathize"


def test_someone_else_who_does_not_manage_may_not_work_it(bob: Any, complaint: Any) -> None:
    body = refused(lambda: act(api_client(bob), complaint, "apologize"), 422, complaint)

    assert body["detail"] == f"Only the owner (Alice Archer) or a manager can work on {complaint.reference}."


def test_a_manager_may_work_anyones_complaint(maria: Any, complaint: Any) -> None:
    assert ok(act(api_client(maria), complaint, "apologize", {"note": "Sorry"}))["stage"] == "reinstate"


def test_an_escalated_complaint_is_closed_by_a_manager(alice: Any, maria: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.CLOSE)
    complaint_escalate(complaint=complaint, user=alice, to=maria, reason="Customer wants a manager")
    complaint = fresh(complaint)

    assert ok(act(api_client(maria), complaint, "close"))["stage"] == "closed"


def test_the_complainant_never_works_their_own_complaint(mark: Any, marks_complaint: Any) -> None:
    body = refused(lambda: act(api_client(mark), marks_complaint, "apologize"), 422, marks_complaint)

    assert body["detail"] == f"{marks_complaint.reference} is your own complaint, so a colleague handles it."
    assert ok(act(api_client(mark), marks_complaint, "notes", {"text": "Any news?"}))["timeline"][-1]["detail"] == (
        "Any news?"
    )


def test_a_confidential_complaint_is_absent_to_the_front_line(bob: Any, marks_complaint: Any) -> None:
    for action, fields in (("apologize", {}), ("notes", {"text": "Hello"}), ("edit", {"severity": "low"})):
        body = refused(lambda a=action, f=fields: act(api_client(bob), marks_complaint, a, f), 404, marks_complaint)
        assert body["type"] == "/api/v1/problems/not-found"


def test_handing_a_confidential_complaint_on_takes_it_out_of_sight(alice: Any, bob: Any, marks_complaint: Any) -> None:
    response = act(api_client(alice), marks_complaint, "assign", {"to": bob.pk})

    assert response.status_code == 204
    assert fresh(marks_complaint).owner == bob
    problem(api_client(alice).get(f"{LIST}{marks_complaint.pk}/"), 404)


def test_an_outsider_is_403_and_no_token_is_401(olivia: Any, complaint: Any) -> None:
    refused(lambda: act(api_client(olivia), complaint, "apologize"), 403, complaint)
    refused(lambda: act(api_client(), complaint, "apologize"), 401, complaint)


def test_an_unknown_complaint_is_404(alice: Any) -> None:
    problem(api_client(alice).post(f"{LIST}999999/apologize/", {}, format="json"), 404)


def test_an_action_takes_json_only_and_post_only(alice: Any, complaint: Any) -> None:
    client = api_client(alice)
    problem(client.post(f"{LIST}{complaint.pk}/apologize/", {"note": "x"}), 415)
    problem(client.get(f"{LIST}{complaint.pk}/apologize/"), 405)


# --- the empowerment limit -------------------------------------------------------------------------------


def test_the_front_line_above_the_empowerment_limit_is_refused(alice: Any, complaint: Any) -> None:
    complaint = advance(complaint, alice, Stage.ATONE)

    body = refused(
        lambda: act(api_client(alice), complaint, "atone", {"kind": "refund", "value": "75", "note": "Refund"}),
        422,
        complaint,
    )

    assert body["field"] == "value"
    assert body["detail"].startswith("£75.00 is above your empowerment limit of £50.00 (service policy v1).")
    assert body["errors"] == {"value": [body["detail"]]}


def test_the_front_line_up_to_the_limit_and_a_manager_above_it_are_recorded(
    alice: Any, maria: Any, complaint: Any, customer: Any
) -> None:
    complaint = advance(complaint, alice, Stage.ATONE)
    ok(act(api_client(alice), complaint, "atone", {"kind": "refund", "value": "50", "note": "Refund"}))
    assert RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE).atonement_value == Decimal("50.00")

    other = advance(log_complaint(user=alice, customer=customer), alice, Stage.ATONE)
    ok(act(api_client(maria), other, "atone", {"kind": "refund", "value": "500.00", "note": "Refund"}))
    assert RecoveryAction.objects.get(complaint=other, step=Stage.ATONE).atonement_value == Decimal("500.00")


# --- the fields of each action -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "action", "fields", "errors"),
    [
        (Stage.APOLOGIZE, "apologize", {"minutes": -1}, {"minutes": "Minutes cannot be negative."}),
        (
            Stage.APOLOGIZE,
            "apologize",
            {"minutes": 2000},
            {"minutes": "Minutes spent must be at most 1,440 (one day)."},
        ),
        (Stage.APOLOGIZE, "apologize", {"minutes": "ten"}, {"minutes": "Enter the minutes as a whole number."}),
        (
            Stage.APOLOGIZE,
            "apologize",
            {"expected_version": "one"},
            {"expected_version": "A valid integer is required."},
        ),
        (Stage.APOLOGIZE, "apologize", {"done_at": "2026-03-01T10:00"}, {"done_at": "Give the time with its offset"}),
        (Stage.APOLOGIZE, "apologize", {"done_at": "2999-03-01T10:00Z"}, {"done_at": "That time is in the future."}),
        (Stage.APOLOGIZE, "apologize", {"note": "x" * 5001}, {"note": "Keep this to 5,000 characters."}),
        (Stage.REINSTATE, "reinstate", {"note": "  \u200b "}, {"note": "Say what was fixed."}),
        (Stage.ATONE, "atone", {}, {"kind": "Choose what was offered"}),
        (
            Stage.ATONE,
            "atone",
            {"kind": "voucher"},
            {"value": "Enter the value of the atonement (0 if it cost nothing)."},
        ),
        (Stage.ATONE, "atone", {"kind": "nothing"}, {"note": "Say why nothing was offered."}),
        (Stage.ATONE, "atone", {"kind": "gift", "value": "-1"}, {"value": "The value cannot be negative."}),
        (Stage.ATONE, "atone", {"kind": "gift", "value": "1.234"}, {"value": "Give the value to the penny"}),
        (
            Stage.FOLLOW_UP,
            "follow-up",
            {"satisfaction": 7, "retained": True},
            {"satisfaction": "Satisfaction is a score"},
        ),
        (Stage.FOLLOW_UP, "follow-up", {"satisfaction": 3}, {"retained": "Say whether the customer stayed with us."}),
        (
            Stage.REINSTATE,
            "skip",
            {"step": "apologize", "reason": "x"},
            {"step": "Only reinstate, empathize and atone"},
        ),
        (Stage.REINSTATE, "skip", {"step": "reinstate"}, {"reason": "Say why this step is not needed."}),
        (Stage.APOLOGIZE, "notes", {"text": ""}, {"text": "Write the note first."}),
        (Stage.APOLOGIZE, "escalate", {"reason": "x"}, {"to": "Choose a manager."}),
        (Stage.CLOSE, "close", {"outcome": "happy"}, {"outcome": "Choose the outcome: retained or lost."}),
        (Stage.APOLOGIZE, "edit", {"summary": ""}, {"summary": "Enter a short summary."}),
        (Stage.APOLOGIZE, "edit", {"category": 999999}, {"category": "Choose an active category."}),
        (Stage.APOLOGIZE, "edit", {"severity": "extreme"}, {"severity": '"extreme" is not a valid choice.'}),
        (Stage.APOLOGIZE, "customer-emails", {}, {"enabled": "Choose on or off (true or false)."}),
    ],
)
def test_each_field_is_checked_as_its_form_checks_it(
    alice: Any, complaint: Any, stage: str, action: str, fields: dict[str, Any], errors: dict[str, str]
) -> None:
    complaint = advance(complaint, alice, stage)

    body = refused(lambda: act(api_client(alice), complaint, action, fields), 400, complaint)

    assert set(body["errors"]) == set(errors)
    for field, message in errors.items():
        assert body["errors"][field][0].startswith(message), body["errors"]


def test_a_reopen_needs_the_step_that_failed_and_why(alice: Any, complaint: Any) -> None:
    complaint = closed(complaint, alice)

    body = refused(lambda: act(api_client(alice), complaint, "reopen", {"to_step": "close"}), 400, complaint)

    assert body["errors"] == {"to_step": ["Choose one of the five steps."], "reason": ["Say why it is reopened."]}


def test_a_back_dated_step_is_recorded_at_its_time(alice: Any, complaint: Any) -> None:
    when = (complaint.received_at + timedelta(seconds=1)).replace(microsecond=0)

    ok(act(api_client(alice), complaint, "apologize", {"note": "On the phone", "done_at": when.isoformat()}))

    assert RecoveryAction.objects.get(complaint=complaint).done_at == when


def test_a_step_before_the_complaint_was_received_is_refused_by_the_workflow(alice: Any, complaint: Any) -> None:
    before = (complaint.received_at - timedelta(days=1)).isoformat()

    body = refused(lambda: act(api_client(alice), complaint, "apologize", {"done_at": before}), 422, complaint)

    assert body["field"] == "done_at"
    assert body["detail"].startswith("That time is before")


# --- people --------------------------------------------------------------------------------------------


def test_assigning_gives_it_to_a_colleague(alice: Any, bob: Any, complaint: Any) -> None:
    body = ok(act(api_client(alice), complaint, "assign", {"to": bob.pk, "expected_version": complaint.version}))

    assert body["owner"]["username"] == "bob"
    assert body["timeline"][-1]["text"] == "Alice Archer handed the complaint to Bob Baker"
    assert body["allowed_actions"] == ["notes"]  # it is bob's now


@pytest.mark.parametrize("who", ["alice", "olivia", "nobody"])
def test_assigning_to_someone_the_form_does_not_offer_is_a_field_error(
    alice: Any, olivia: Any, complaint: Any, who: str
) -> None:
    to = {"alice": alice.pk, "olivia": olivia.pk, "nobody": 999999}[who]

    body = refused(lambda: act(api_client(alice), complaint, "assign", {"to": to}), 400, complaint)

    assert body["errors"] == {"to": ["Choose one of the colleagues who may take it."]}


def test_escalating_hands_it_to_a_manager(alice: Any, maria: Any, complaint: Any) -> None:
    body = ok(act(api_client(alice), complaint, "escalate", {"to": maria.pk, "reason": "Wants a manager"}))

    assert body["escalated"] is True
    assert body["owner"]["username"] == "maria"
    assert body["escalation"]["to"]["username"] == "maria"
    assert body["escalation"]["reason"] == "Wants a manager"


def test_escalating_to_someone_who_does_not_manage_is_a_field_error(alice: Any, bob: Any, complaint: Any) -> None:
    body = refused(lambda: act(api_client(alice), complaint, "escalate", {"to": bob.pk, "reason": "x"}), 400, complaint)

    assert body["errors"] == {"to": ["Choose one of the managers."]}


# --- details, notes, the emails switch -----------------------------------------------------------------------


def test_a_note_changes_nothing_but_the_timeline(bob: Any, complaint: Any) -> None:
    body = ok(act(api_client(bob), complaint, "notes", {"text": "Customer rang again"}))

    assert body["version"] == complaint.version
    assert (body["timeline"][-1]["kind"], body["timeline"][-1]["detail"]) == ("note", "Customer rang again")


def test_edit_changes_only_what_is_sent(alice: Any, complaint: Any) -> None:
    billing = Category.objects.get(name="Billing")

    body = ok(act(api_client(alice), complaint, "edit", {"summary": "Parcel lost", "category": billing.pk}))

    stored = fresh(complaint)
    assert (stored.summary, stored.category, stored.description) == (
        "Parcel lost",
        billing,
        "Customer waited in all day twice.",
    )
    assert body["version"] == complaint.version + 1
    assert body["timeline"][-1]["changes"] == [
        {"field": "Summary", "old": "Parcel arrived two days late", "new": "Parcel lost"},
        {"field": "Category", "old": "Delivery", "new": "Billing"},
    ]


def test_edit_with_nothing_changed_keeps_the_version(alice: Any, complaint: Any) -> None:
    body = ok(act(api_client(alice), complaint, "edit", {"summary": complaint.summary}))

    assert body["version"] == complaint.version
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 1


def test_the_customer_emails_switch(alice: Any, complaint: Any) -> None:
    body = ok(act(api_client(alice), complaint, "customer-emails", {"enabled": False}))

    assert body["customer_emails_enabled"] is False
    assert body["allowed_actions"][-1] == "customer-emails"


def test_the_customer_emails_switch_is_refused_on_a_closed_complaint(alice: Any, complaint: Any) -> None:
    complaint = closed(complaint, alice)

    body = refused(lambda: act(api_client(alice), complaint, "customer-emails", {"enabled": False}), 422, complaint)

    assert "is closed, so CareDesk sends its customer no more emails" in body["detail"]


# --- query counts --------------------------------------------------------------------------------------

# Token, permissions (2), the complaint, then the workflow (savepoint, lock, re-read, last step's time,
# the action, the policy, the update, the event, the reminders: 3, release), then the detail (3).
ACTION_QUERIES = 19


def test_an_action_costs_the_same_queries_with_1_and_50_timeline_entries(
    alice: Any, customer: Any, django_assert_num_queries: Any
) -> None:
    short, long = log_complaint(user=alice, customer=customer), log_complaint(user=alice, customer=customer)
    for number in range(49):
        complaint_add_note(complaint=long, user=alice, text=f"Note {number}")
    client = api_client(alice)
    client.get(LIST)  # the token's last use is noted once; then the count is the steady one

    with django_assert_num_queries(ACTION_QUERIES):
        assert len(ok(act(client, short, "apologize", {"note": "Sorry"}))["timeline"]) == 2
    with django_assert_num_queries(ACTION_QUERIES):
        assert len(ok(act(client, long, "apologize", {"note": "Sorry"}))["timeline"]) == 51
