"""Bad input to the workflow: a clear message on the right field, and nothing stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from recovery.models import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX, REMEDY_MAX, SUMMARY_MAX, Category, Complaint, Stage
from recovery.workflow import (
    complaint_add_note,
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_edit,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_log,
    complaint_reinstate,
    complaint_reopen,
    complaint_skip_step,
)
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.workflow import assert_refused, bring_to

CONTROL = "Remove the invisible control characters from this text"
# NUL cannot even be stored in PostgreSQL; escape, bell, DEL and a C1 control come from bad pastes.
CONTROL_CHARACTERS = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x85"]


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


# --- logging ------------------------------------------------------------------------------------

LOG_CASES = [
    ({"summary": ""}, "summary", "Enter a short summary."),
    ({"summary": "   \n "}, "summary", "Enter a short summary."),
    ({"summary": None}, "summary", "Enter a short summary."),
    ({"summary": too_long(SUMMARY_MAX)}, "summary", "Keep a short summary to 200 characters (this is 201)."),
    ({"description": too_long(DESCRIPTION_MAX)}, "description", "Keep the description to 10,000 characters"),
    ({"desired_remedy": too_long(REMEDY_MAX)}, "desired_remedy", "Keep the remedy the customer wants to 2,000"),
    *[({"summary": f"Late{c}parcel"}, "summary", CONTROL) for c in CONTROL_CHARACTERS],
    *[({"description": f"Waited{c}all day"}, "description", CONTROL) for c in CONTROL_CHARACTERS],
    *[({"desired_remedy": f"Full{c}refund"}, "desired_remedy", CONTROL) for c in CONTROL_CHARACTERS],
    ({"channel": "carrier pigeon"}, "channel", "Choose how the complaint reached us."),
    ({"channel": ""}, "channel", "Choose how the complaint reached us."),
    ({"severity": "apocalyptic"}, "severity", "Choose a severity."),
    ({"severity": None}, "severity", "Choose a severity."),
    ({"category": None}, "category", "Choose an active category."),
    ({"category": "Delivery"}, "category", "Choose an active category."),
    ({"received_at": "tomorrow"}, "received_at", "The time received cannot be in the future."),
    ({"received_at": "naive"}, "received_at", "Give the time with its time zone."),
    ({"owner": "olivia"}, "owner", "Olivia Outsider cannot handle complaints."),
    ({"owner": "Bob Baker"}, "owner", "Choose a colleague."),
]


def resolve(request, value: Any) -> Any:
    """Turn the placeholders in the case tables into people, times and records."""
    if value in ("alice", "bob", "maria", "olivia"):
        return request.getfixturevalue(value)
    if value == "tomorrow":
        return timezone.now() + timedelta(days=1)
    if value == "naive":
        return datetime(2025, 3, 3, 9, 0)
    if value == "inactive category":
        return Category.objects.create(name="Retired", is_active=False)
    return value


@pytest.mark.parametrize(("changes", "field", "message"), LOG_CASES)
def test_logging_with_bad_input_is_refused_and_stores_nothing(request, alice, customer, changes, field, message):
    changes = {key: resolve(request, value) for key, value in changes.items()}
    call = {"severity": changes.pop("severity")} if "severity" in changes else {}

    assert_refused(lambda: log_complaint(user=alice, customer=customer, **call, **changes), match=message, field=field)


def test_logging_in_an_inactive_category_is_refused(request, alice, customer):
    assert_refused(
        lambda: log_complaint(user=alice, customer=customer, category=resolve(request, "inactive category")),
        match="Choose an active category.",
        field="category",
    )


@pytest.mark.parametrize("customer_state", ["missing", "unsaved"])
def test_logging_without_a_stored_customer_is_refused(alice, customer_state):
    customer: Any = None if customer_state == "missing" else CustomerFactory.build()

    assert_refused(
        lambda: complaint_log(
            user=alice,
            customer=customer,
            channel="phone",
            category=Category.objects.get(name="Delivery"),
            severity="low",
            summary="Late",
        ),
        match="Choose the customer, or add them first.",
        field="customer",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"summary": "s" * SUMMARY_MAX, "description": "d" * DESCRIPTION_MAX, "desired_remedy": "r" * REMEDY_MAX},
        {"description": "Line one\r\n\tLine two — “quoted” café ✓"},
    ],
    ids=["at-the-length-limits", "tabs-newlines-and-unicode"],
)
def test_logging_accepts_text_up_to_the_limits_and_ordinary_whitespace(alice, customer, changes):
    complaint = log_complaint(user=alice, customer=customer, **changes)

    stored = Complaint.objects.filter(pk=complaint.pk).values(*changes).get()
    assert stored == changes


# --- the steps and the other actions -------------------------------------------------------------

# name → (stage the complaint must be at, service, good arguments)
CALLS: dict[str, tuple[Stage, Any, dict[str, Any]]] = {
    "apologize": (Stage.APOLOGIZE, complaint_apologize, {"note": "Sorry"}),
    "reinstate": (Stage.REINSTATE, complaint_reinstate, {"note": "Fixed"}),
    "empathize": (Stage.EMPATHIZE, complaint_empathize, {"note": "Heard them"}),
    "atone": (Stage.ATONE, complaint_atone, {"kind": "refund", "value": "10"}),
    "follow_up": (Stage.FOLLOW_UP, complaint_follow_up, {"satisfaction": 5, "retained": True}),
    "skip": (Stage.EMPATHIZE, complaint_skip_step, {"step": "empathize", "reason": "Customer was calm"}),
    "escalate": (Stage.APOLOGIZE, complaint_escalate, {"to": "maria", "reason": "Needs a manager"}),
    "note": (Stage.REINSTATE, complaint_add_note, {"text": "Clarified"}),
    "edit": (Stage.EMPATHIZE, complaint_edit, {}),
    "close": (Stage.CLOSE, complaint_close, {}),
    "reopen": (Stage.CLOSED, complaint_reopen, {"to_step": "atone", "reason": "Unhappy again"}),
}

BAD_INPUT = [
    # The notes on each step.
    ("reinstate", {"note": ""}, "note", "Enter what was fixed."),
    ("reinstate", {"note": " \t "}, "note", "Enter what was fixed."),
    ("apologize", {"note": too_long(NOTE_MAX)}, "note", "Keep how you apologised to 5,000 characters (this is 5,001)."),
    *[("empathize", {"note": f"Heard{c}them"}, "note", CONTROL) for c in CONTROL_CHARACTERS],
    ("follow_up", {"note": "\x00"}, "note", CONTROL),
    # Minutes spent.
    *[
        ("apologize", {"minutes": minutes}, "minutes", "Minutes spent must be between 0 and 1,440 (one day).")
        for minutes in (-1, "-5", 1441, 10**9)
    ],
    *[
        ("reinstate", {"minutes": minutes}, "minutes", "Enter the minutes spent as a whole number.")
        for minutes in ("ten", "1.5", " ", True, 2.5, float("nan"), float("inf"), [5])
    ],
    # Atonement.
    ("atone", {"kind": "cash"}, "kind", "Choose what was offered"),
    ("atone", {"kind": ""}, "kind", "Choose what was offered"),
    ("atone", {"kind": None}, "kind", "Choose what was offered"),
    *[("atone", {"value": v}, "value", "The value cannot be negative.") for v in (-5, "-0.01", Decimal("-1"))],
    *[
        ("atone", {"value": v}, "value", "Enter the value as an amount, like 25 or 25.50.")
        for v in ("twenty", "NaN", "sNaN", "Infinity", "-Infinity", "1,50", [25])
    ],
    *[
        ("atone", {"value": v}, "value", "The value must be less than 100,000,000.")
        for v in (100_000_000, "99999999.995", "1e30", "1e999999")
    ],
    ("atone", {"value": None}, "value", "Enter the value of the atonement (0 if it cost nothing)."),
    ("atone", {"value": ""}, "value", "Enter the value of the atonement (0 if it cost nothing)."),
    ("atone", {"kind": "nothing", "value": None}, "note", "Enter why nothing was offered."),
    ("atone", {"note": too_long(NOTE_MAX)}, "note", "Keep what was offered to 5,000 characters"),
    # Follow-up.
    *[
        ("follow_up", {"satisfaction": s}, "satisfaction", "Satisfaction is a score from 1 (very unhappy) to 5")
        for s in (9, 0, -1, 6, "9")
    ],
    *[
        ("follow_up", {"satisfaction": s}, "satisfaction", "Choose the customer's satisfaction, from 1 to 5.")
        for s in (None, "", "very", True, 4.5, "4.5")
    ],
    *[("follow_up", {"retained": r}, "retained", "Say whether the customer stayed with us.") for r in (None, "yes", 1)],
    ("follow_up", {"customer_comment": "\x00"}, "customer_comment", CONTROL),
    ("follow_up", {"customer_comment": too_long(NOTE_MAX)}, "customer_comment", "Keep the customer's comment to"),
    # Marking a step not needed.
    *[("skip", {"reason": r}, "reason", "Enter why this step is not needed.") for r in ("", "   ", None)],
    ("skip", {"reason": too_long(REASON_MAX)}, "reason", "Keep why this step is not needed to 1,000 characters"),
    ("skip", {"reason": "Calm\x00"}, "reason", CONTROL),
    ("skip", {"step": None}, "step", "cannot be skipped; only reinstate, empathize and atone can."),
    # Escalating.
    ("escalate", {"reason": ""}, "reason", "Enter why you are escalating."),
    ("escalate", {"reason": too_long(REASON_MAX)}, "reason", "Keep why you are escalating to 1,000 characters"),
    ("escalate", {"reason": "Help\x1b"}, "reason", CONTROL),
    # Notes.
    ("note", {"text": ""}, "text", "Enter the note."),
    ("note", {"text": too_long(NOTE_MAX)}, "text", "Keep the note to 5,000 characters (this is 5,001)."),
    *[("note", {"text": f"Rang{c}back"}, "text", CONTROL) for c in CONTROL_CHARACTERS],
    # Editing.
    ("edit", {"summary": ""}, "summary", "Enter the summary."),
    ("edit", {"summary": too_long(SUMMARY_MAX)}, "summary", "Keep the summary to 200 characters (this is 201)."),
    ("edit", {"description": too_long(DESCRIPTION_MAX)}, "description", "Keep the description to 10,000 characters"),
    ("edit", {"desired_remedy": too_long(REMEDY_MAX)}, "desired_remedy", "Keep the desired remedy to 2,000"),
    ("edit", {"root_cause": "Courier\x00"}, "root_cause", CONTROL),
    ("edit", {"corrective_action": too_long(NOTE_MAX)}, "corrective_action", "Keep the corrective action to 5,000"),
    ("edit", {"summary": "Fine", "description": "Bad\x00"}, "description", CONTROL),
    ("edit", {"channel": "fax"}, "channel", "Choose how the complaint reached us."),
    ("edit", {"severity": "meh"}, "severity", "Choose a severity."),
    ("edit", {"category": None}, "category", "Choose an active category."),
    ("edit", {"category": "Billing"}, "category", "Choose an active category."),
    ("edit", {"category": "inactive category"}, "category", "Choose an active category."),
    # Closing.
    ("close", {"outcome": "delighted"}, "outcome", "Choose the outcome: retained or lost."),
    ("close", {"root_cause": "Courier\x07"}, "root_cause", CONTROL),
    ("close", {"corrective_action": too_long(NOTE_MAX)}, "corrective_action", "Keep the corrective action to 5,000"),
    # Reopening.
    *[
        ("reopen", {"to_step": s}, "to_step", "Choose the step that failed, from apologize to follow up.")
        for s in ("close", "closed", "lunch", None, "")
    ],
    ("reopen", {"reason": ""}, "reason", "Enter why it is reopened."),
    ("reopen", {"reason": "Again\x00"}, "reason", CONTROL),
    ("reopen", {"reason": too_long(REASON_MAX)}, "reason", "Keep why it is reopened to 1,000 characters"),
]


def case_id(case: tuple[Any, ...]) -> str:
    name, changes, _, _ = case
    return f"{name}-" + "-".join(f"{key}={value!r:.20}" for key, value in changes.items())


@pytest.mark.parametrize(("name", "changes", "field", "message"), BAD_INPUT, ids=[case_id(c) for c in BAD_INPUT])
def test_bad_input_is_refused_on_its_field_and_stores_nothing(request, alice, complaint, name, changes, field, message):
    stage, service, good = CALLS[name]
    complaint = bring_to(complaint, alice, stage)
    arguments = {key: resolve(request, value) for key, value in {**good, **changes}.items()}

    assert_refused(
        lambda: service(complaint=complaint, user=alice, **arguments), match=message, field=field, complaint=complaint
    )


@pytest.mark.parametrize("name", CALLS)
def test_the_good_arguments_in_the_bad_input_table_are_accepted(request, alice, complaint, name):
    """Guard the table above: each refusal there is caused by the one bad value, not by the rest."""
    stage, service, good = CALLS[name]
    complaint = bring_to(complaint, alice, stage)
    arguments = {key: resolve(request, value) for key, value in good.items()}
    before = complaint.events.count()

    service(complaint=complaint, user=alice, **arguments)

    assert complaint.events.count() == before + (0 if name == "edit" else 1)


def test_an_outsiders_bad_input_is_refused_without_revealing_the_complaint(olivia, complaint):
    """Access is checked before the details, so the message cannot hint at what the complaint holds."""
    assert_refused(
        lambda: complaint_add_note(complaint=complaint, user=olivia, text="\x00"),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )
