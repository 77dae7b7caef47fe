"""The five recovery steps: logging, order, skipping, due times, timing, staleness and who may act.

The helpers these tests share with the other modules (`do_step`, `advance`, `snapshot`, `assert_refused`,
`employee_complaint`) are in tests/helpers/workflow.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from customers.models import CustomerGroup
from recovery.models import (
    SKIPPABLE_STEPS,
    STEPS,
    AtonementKind,
    Complaint,
    EventKind,
    RecoveryAction,
    RecoveryPolicy,
    Severity,
    Stage,
    next_stage,
)
from recovery.workflow import (
    CLOCK_SKEW,
    StaleComplaintError,
    WorkflowError,
    complaint_apologize,
    complaint_atone,
    complaint_follow_up,
    complaint_reinstate,
    complaint_skip_step,
)
from tests.factories import log_complaint
from tests.helpers.customers import new_customer
from tests.helpers.workflow import (
    T0,
    advance,
    assert_refused,
    closed,
    do_step,
    employee_complaint,
    event_for,
    snapshot,
)

# --- logging -------------------------------------------------------------------------------


def test_logging_a_complaint_stores_it_at_the_apology_with_one_logged_event(alice, customer):
    before = snapshot()
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(minutes=20))

    assert snapshot()["complaints"] == before["complaints"] + 1
    assert snapshot()["events"] == before["events"] + 1
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.stage, stored.round, stored.round_first_step, stored.version) == (Stage.APOLOGIZE, 1, "apologize", 1)
    assert (stored.owner, stored.logged_by, stored.customer) == (alice, alice, customer)
    assert stored.received_at == T0 - timedelta(minutes=20)
    assert stored.round_started_at == T0  # due times count from logging
    assert (stored.outcome, stored.closed_at, stored.escalated_at) == ("", None, None)
    event = event_for(stored)
    assert (event.kind, event.actor, event.stage_after, event.created_at) == (EventKind.LOGGED, alice, "apologize", T0)
    assert event.payload["owner_id"] == alice.pk


def test_a_back_dated_complaint_is_timed_from_when_it_was_logged(alice, customer):
    """A letter received a week ago: its apology is due 4 h (medium) after logging, not six days ago."""
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    received = T0 - timedelta(days=7)
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=received)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.received_at, stored.round_started_at) == (received, T0)
    assert stored.step_due_at == T0 + timedelta(hours=policy.hours_to_apologize)
    assert stored.step_escalates_at == stored.step_due_at + timedelta(hours=policy.escalation_grace_hours)
    assert event_for(stored).payload["received_at"] == received.isoformat()


def test_what_was_done_between_receipt_and_logging_may_still_be_recorded_at_its_time(alice, customer):
    """A phone complaint logged the next morning: the apology made on the phone keeps its time, and was on time."""
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(hours=16))
        complaint = complaint_apologize(complaint=complaint, user=alice, done_at=T0 - timedelta(hours=15, minutes=50))

    apology = RecoveryAction.objects.get(complaint=complaint)
    assert apology.done_at == T0 - timedelta(hours=15, minutes=50)
    assert Complaint.objects.get(pk=complaint.pk).apologize_on_time is True


def test_logging_for_a_colleague_makes_them_the_owner(alice, bob, customer):
    complaint = log_complaint(user=alice, customer=customer, owner=bob)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner, stored.logged_by) == (bob, alice)
    assert event_for(stored).payload["owner"] == "Bob Baker"


def test_logging_without_a_received_time_uses_now(alice, customer):
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=None)

    assert Complaint.objects.get(pk=complaint.pk).received_at == T0


@pytest.mark.parametrize("persona", ["olivia", "inactive_alice"])
def test_people_without_a_role_cannot_log_complaints(request, alice, customer, persona):
    if persona == "inactive_alice":
        alice.is_active = False
        alice.save()
    user = alice if persona == "inactive_alice" else request.getfixturevalue(persona)

    assert_refused(
        lambda: log_complaint(user=user, customer=customer), match="You do not have permission to log complaints."
    )


@pytest.mark.parametrize("logger", ["alice", "maria"])
def test_a_colleague_cannot_own_their_own_complaint(request, alice, logger):
    user = request.getfixturevalue(logger)
    colleague = new_customer(group=CustomerGroup.EMPLOYEE, staff_user=alice)

    assert_refused(
        lambda: log_complaint(user=user, customer=colleague, owner=alice),
        match="A colleague cannot handle their own complaint",
        field="owner",
    )


def test_a_colleague_may_log_their_own_complaint_for_someone_else_to_handle(alice, bob):
    colleague = new_customer(group=CustomerGroup.EMPLOYEE, staff_user=alice)

    complaint = log_complaint(user=alice, customer=colleague, owner=bob)

    assert Complaint.objects.get(pk=complaint.pk).owner == bob


# --- each step, in order ---------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_each_step_moves_on_and_writes_one_action_and_one_event(alice, complaint, step):
    complaint = advance(complaint, alice, step)
    before = snapshot(complaint)

    result = do_step(step, complaint=complaint, user=alice)

    after = snapshot(complaint)
    assert after["actions"] == before["actions"] + 1
    assert after["events"] == before["events"] + 1
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.stage == result.stage == next_stage(step)
    assert stored.version == before["row"]["version"] + 1
    action = RecoveryAction.objects.get(complaint=stored, step=step)
    assert (action.round, action.done_by, action.skipped) == (1, alice, False)
    event = event_for(stored)
    assert (event.kind, event.actor, event.stage_before, event.stage_after) == (
        EventKind.STEP_DONE,
        alice,
        step,
        next_stage(step),
    )
    assert event.payload["step"] == step
    assert event.payload["action_id"] == action.pk


@pytest.mark.parametrize("complaint_by", ["instance", "pk"])
def test_a_step_accepts_the_complaint_or_its_key(alice, complaint, complaint_by):
    target = complaint if complaint_by == "instance" else complaint.pk

    complaint_apologize(complaint=target, user=alice, note="Sorry")

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.REINSTATE


def test_the_steps_store_what_was_said_done_and_spent(alice, complaint):
    complaint = advance(complaint, alice, Stage.CLOSE)

    actions = {a.step: a for a in RecoveryAction.objects.filter(complaint=complaint)}
    assert [a.step for a in RecoveryAction.objects.filter(complaint=complaint)] == list(STEPS)
    assert actions[Stage.REINSTATE].note == "Re-sent the parcel by courier"
    assert actions[Stage.REINSTATE].minutes_spent == 15
    assert (actions[Stage.ATONE].atonement_kind, actions[Stage.ATONE].atonement_value) == ("voucher", Decimal("25.00"))
    follow_up = actions[Stage.FOLLOW_UP]
    assert (follow_up.satisfaction, follow_up.retained, follow_up.customer_comment) == (4, True, "All good")
    assert Complaint.objects.get(pk=complaint.pk).satisfaction == 4


@pytest.mark.parametrize(
    ("kind", "value", "stored_value"),
    [
        (AtonementKind.REFUND, "12.345", Decimal("12.35")),
        (AtonementKind.DISCOUNT, 0, Decimal("0.00")),
        (AtonementKind.REPLACEMENT, Decimal("99999999.99"), Decimal("99999999.99")),
        (AtonementKind.GIFT, 7.5, Decimal("7.50")),
        (AtonementKind.NOTHING, None, None),
        (AtonementKind.NOTHING, "", None),
    ],
)
def test_atonement_stores_its_kind_and_value_in_cents(alice, maria, complaint, kind, value, stored_value):
    complaint = advance(complaint, alice, Stage.ATONE)

    # A manager: values above the service policy's empowerment limit are theirs to record.
    complaint_atone(complaint=complaint, user=maria, kind=kind, value=value, note="Customer declined anything")

    action = RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE)
    assert (action.atonement_kind, action.atonement_value) == (kind, stored_value)


def test_text_is_stored_without_surrounding_whitespace_and_tabs_and_newlines_are_kept(alice, complaint):
    complaint_apologize(complaint=complaint, user=alice, note="  Line one\n\tLine two  ")

    assert RecoveryAction.objects.get(complaint=complaint).note == "Line one\n\tLine two"


@pytest.mark.parametrize(("minutes", "stored"), [(None, 0), ("", 0), ("45", 45), (1440, 1440)])
def test_minutes_spent_are_stored_as_whole_minutes(alice, complaint, minutes, stored):
    complaint_apologize(complaint=complaint, user=alice, minutes=minutes)

    assert RecoveryAction.objects.get(complaint=complaint).minutes_spent == stored


# --- order ----------------------------------------------------------------------------------

POSITIONS = (*STEPS, Stage.CLOSE)


def order_case(at: Stage, step: Stage) -> Any:
    return pytest.param(at, step, id=f"{step.value}-when-next-is-{at.value}")


@pytest.mark.parametrize(
    ("at", "step"),
    [order_case(at, step) for at in POSITIONS for step in STEPS if POSITIONS.index(at) > POSITIONS.index(step)],
)
def test_a_step_cannot_be_done_twice(alice, complaint, at, step):
    complaint = advance(complaint, alice, at)

    assert_refused(
        lambda: do_step(step, complaint=complaint, user=alice),
        match=f"“{step.label}” was already recorded by Alice Archer at ",
        complaint=complaint,
    )


@pytest.mark.parametrize(
    ("at", "step"),
    [order_case(at, step) for at in STEPS for step in STEPS if POSITIONS.index(step) > POSITIONS.index(at)],
)
def test_a_step_cannot_come_before_the_steps_ahead_of_it(alice, complaint, at, step):
    complaint = advance(complaint, alice, at)

    assert_refused(
        lambda: do_step(step, complaint=complaint, user=alice),
        match=f"“{step.label}” cannot come yet: the steps go in order and the next one is “{at.label}”.",
        complaint=complaint,
    )


def test_follow_up_cannot_precede_atonement(alice, complaint):
    complaint = advance(complaint, alice, Stage.ATONE)

    assert_refused(
        lambda: complaint_follow_up(complaint=complaint, user=alice, satisfaction=5, retained=True),
        match="the next one is “Atone”",
        complaint=complaint,
    )
    assert not RecoveryAction.objects.filter(complaint=complaint, step=Stage.FOLLOW_UP).exists()


def test_atoning_twice_is_refused_and_the_first_atonement_stands(alice, complaint):
    complaint = advance(complaint, alice, Stage.FOLLOW_UP)

    assert_refused(
        lambda: complaint_atone(complaint=complaint, user=alice, kind=AtonementKind.REFUND, value=500),
        match="“Atone” was already recorded",
        complaint=complaint,
    )
    assert RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE).atonement_kind == AtonementKind.VOUCHER


@pytest.mark.parametrize("step", STEPS)
def test_no_step_can_be_recorded_on_a_closed_complaint(alice, closed_complaint, step):
    assert_refused(
        lambda: do_step(step, complaint=closed_complaint, user=alice),
        match="is closed. Reopen it to record more steps.",
        complaint=closed_complaint,
    )


@pytest.fixture
def closed_complaint(alice, complaint):
    return closed(complaint, alice)


# --- skipping steps 2–4 --------------------------------------------------------------------------


@pytest.mark.parametrize("step", SKIPPABLE_STEPS)
def test_a_middle_step_can_be_marked_not_needed_with_a_reason(alice, complaint, step):
    complaint = advance(complaint, alice, step)
    before = snapshot(complaint)

    result = complaint_skip_step(complaint=complaint, user=alice, step=step, reason="  Customer declined  ")

    after = snapshot(complaint)
    assert (after["actions"], after["events"]) == (before["actions"] + 1, before["events"] + 1)
    assert result.stage == Complaint.objects.get(pk=complaint.pk).stage == next_stage(step)
    assert result.version == before["row"]["version"] + 1
    action = RecoveryAction.objects.get(complaint=complaint, step=step)
    assert (action.skipped, action.skip_reason, action.done_by) == (True, "Customer declined", alice)
    event = event_for(complaint)
    assert (event.kind, event.payload["reason"], event.stage_before) == (
        EventKind.STEP_SKIPPED,
        "Customer declined",
        step,
    )


def test_skipping_every_middle_step_leads_straight_to_the_follow_up(alice, complaint):
    complaint = advance(complaint, alice, Stage.REINSTATE)
    for step in SKIPPABLE_STEPS:
        complaint = complaint_skip_step(complaint=complaint, user=alice, step=step, reason="Not needed")

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.FOLLOW_UP
    assert RecoveryAction.objects.filter(complaint=complaint, skipped=True).count() == 3


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (Stage.APOLOGIZE, "“Apologize” cannot be skipped"),
        (Stage.FOLLOW_UP, "“Follow up” cannot be skipped"),
        (Stage.CLOSE, "“Close” cannot be skipped"),
        ("lunch", "“lunch” cannot be skipped"),
    ],
)
@pytest.mark.parametrize("at", [Stage.APOLOGIZE, Stage.FOLLOW_UP])
def test_only_reinstate_empathize_and_atone_can_be_skipped(alice, complaint, step, message, at):
    complaint = advance(complaint, alice, at)

    assert_refused(
        lambda: complaint_skip_step(complaint=complaint, user=alice, step=step, reason="In a hurry"),
        match=message,
        field="step",
        complaint=complaint,
    )


def test_a_step_cannot_be_skipped_out_of_order(alice, complaint):
    assert_refused(
        lambda: complaint_skip_step(complaint=complaint, user=alice, step=Stage.ATONE, reason="Declined"),
        match="“Atone” cannot come yet",
        complaint=complaint,
    )


def test_a_skipped_step_cannot_then_be_recorded(alice, complaint):
    complaint = advance(complaint, alice, Stage.REINSTATE)
    complaint = complaint_skip_step(complaint=complaint, user=alice, step=Stage.REINSTATE, reason="Nothing broke")

    assert_refused(
        lambda: complaint_reinstate(complaint=complaint, user=alice, note="Fixed it anyway"),
        match="“Reinstate” was already marked not needed by Alice Archer",
        complaint=complaint,
    )


# --- due times -------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", Severity.values)
def test_each_step_falls_due_as_the_severity_policy_says(alice, customer, severity):
    policy = RecoveryPolicy.objects.get(severity=severity)
    received = T0 - timedelta(minutes=30)
    with time_machine.travel(T0, tick=False) as clock:
        # Steps 1-4 count from logging (T0), whenever the complaint was received.
        complaint = log_complaint(user=alice, customer=customer, severity=severity, received_at=received)
        assert complaint.step_due_at == T0 + timedelta(hours=policy.hours_to_apologize)
        expected_due = {
            Stage.APOLOGIZE: T0 + timedelta(hours=policy.hours_to_reinstate),
            Stage.REINSTATE: T0 + timedelta(hours=policy.hours_to_empathize),
            Stage.EMPATHIZE: T0 + timedelta(days=policy.days_to_atone),
            Stage.ATONE: T0 + timedelta(hours=4) + timedelta(days=policy.days_to_follow_up),
            Stage.FOLLOW_UP: None,
        }
        for step in STEPS:
            clock.shift(timedelta(hours=1))
            complaint = do_step(step, complaint=complaint, user=alice)
            assert Complaint.objects.get(pk=complaint.pk).step_due_at == expected_due[step], step


def test_the_follow_up_falls_due_from_when_the_atonement_was_made(alice, complaint):
    policy = RecoveryPolicy.objects.get(severity=complaint.severity)
    complaint = advance(complaint, alice, Stage.ATONE)
    atoned_at = complaint.received_at + timedelta(minutes=1)

    complaint_atone(complaint=complaint, user=alice, kind=AtonementKind.GIFT, value=10, done_at=atoned_at)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.step_due_at == atoned_at + timedelta(days=policy.days_to_follow_up)
    assert RecoveryAction.objects.get(complaint=complaint, step=Stage.ATONE).done_at == atoned_at


def test_a_skipped_atonement_starts_the_follow_up_clock_when_it_was_skipped(alice, customer):
    with time_machine.travel(T0, tick=False) as clock:
        complaint = advance(log_complaint(user=alice, customer=customer), alice, Stage.ATONE)
        clock.shift(timedelta(hours=2))
        complaint_skip_step(complaint=complaint, user=alice, step=Stage.ATONE, reason="Declined")

    policy = RecoveryPolicy.objects.get(severity=complaint.severity)
    assert Complaint.objects.get(pk=complaint.pk).step_due_at == T0 + timedelta(hours=2, days=policy.days_to_follow_up)


# --- when a step was done ----------------------------------------------------------------------


def test_a_step_defaults_to_now(alice, customer):
    with time_machine.travel(T0, tick=False) as clock:
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(hours=1))
        clock.shift(timedelta(minutes=7))
        complaint_apologize(complaint=complaint, user=alice)

    action = RecoveryAction.objects.get(complaint=complaint)
    assert action.done_at == event_for(complaint).created_at == T0 + timedelta(minutes=7)


@pytest.mark.parametrize("offset", [timedelta(minutes=-50), timedelta(0), CLOCK_SKEW])
def test_a_step_may_be_dated_between_the_previous_step_and_a_few_minutes_from_now(alice, customer, offset):
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(hours=1))
        complaint_apologize(complaint=complaint, user=alice, done_at=T0 + offset)

    assert RecoveryAction.objects.get(complaint=complaint).done_at == T0 + offset


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (CLOCK_SKEW + timedelta(seconds=1), "That time is in the future."),
        (timedelta(days=3), "That time is in the future."),
        (timedelta(hours=-1, seconds=-1), "That time is before 03 Mar 2025 08:00, when this step became possible."),
    ],
)
def test_a_step_cannot_be_dated_in_the_future_or_before_it_became_possible(alice, customer, offset, message, settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(hours=1))
        assert_refused(
            lambda: complaint_apologize(complaint=complaint, user=alice, done_at=T0 + offset),
            match=message,
            field="done_at",
            complaint=complaint,
        )


def test_a_step_cannot_be_dated_before_the_previous_step(alice, customer):
    with time_machine.travel(T0, tick=False):
        complaint = log_complaint(user=alice, customer=customer, received_at=T0 - timedelta(hours=2))
        complaint = complaint_apologize(complaint=complaint, user=alice, done_at=T0 - timedelta(hours=1))
        assert_refused(
            lambda: complaint_reinstate(
                complaint=complaint, user=alice, note="Fixed", done_at=T0 - timedelta(hours=1.5)
            ),
            match="when this step became possible",
            field="done_at",
            complaint=complaint,
        )


def test_a_step_time_without_a_time_zone_is_refused(alice, complaint):
    assert_refused(
        lambda: complaint_apologize(complaint=complaint, user=alice, done_at=datetime(2025, 3, 3, 9, 0)),
        match="Give the time with its time zone.",
        field="done_at",
        complaint=complaint,
    )


# --- stale forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_a_step_from_a_stale_form_is_refused(alice, complaint, step):
    complaint = advance(complaint, alice, step)
    current = Complaint.objects.get(pk=complaint.pk).version

    error = assert_refused(
        lambda: do_step(step, complaint=complaint, user=alice, expected_version=current - 1),
        match="was changed by someone else while you were working on it",
        complaint=complaint,
        error=StaleComplaintError,
    )
    assert f"(it is now at “{step.label}”)" in error.message


@pytest.mark.parametrize("step", STEPS)
def test_a_step_from_an_up_to_date_form_goes_through(alice, complaint, step):
    complaint = advance(complaint, alice, step)

    result = do_step(step, complaint=complaint, user=alice, expected_version=complaint.version)

    assert result.stage == next_stage(step)


def test_skipping_from_a_stale_form_is_refused(alice, complaint):
    complaint = advance(complaint, alice, Stage.EMPATHIZE)

    assert_refused(
        lambda: complaint_skip_step(
            complaint=complaint, user=alice, step=Stage.EMPATHIZE, reason="Calm", expected_version=1
        ),
        match="was changed by someone else",
        complaint=complaint,
        error=StaleComplaintError,
    )


def test_a_step_on_a_deleted_complaint_is_refused(alice, complaint):
    pk = complaint.pk
    complaint.delete()

    assert_refused(
        lambda: complaint_apologize(complaint=pk, user=alice),
        match="This complaint does not exist, or you do not have access to it.",
    )


# --- who may do the steps -----------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(
    ("persona", "message"),
    [
        ("bob", "Only the owner (Alice Archer) or a manager can work on C-"),
        ("olivia", "This complaint does not exist, or you do not have access to it."),
    ],
)
def test_only_the_owner_or_a_manager_may_do_the_steps(request, alice, complaint, step, persona, message):
    complaint = advance(complaint, alice, step)

    assert_refused(
        lambda: do_step(step, complaint=complaint, user=request.getfixturevalue(persona)),
        match=message,
        complaint=complaint,
    )


@pytest.mark.parametrize("step", SKIPPABLE_STEPS)
@pytest.mark.parametrize("persona", ["bob", "olivia"])
def test_only_the_owner_or_a_manager_may_skip_a_step(request, alice, complaint, step, persona):
    complaint = advance(complaint, alice, step)
    user = request.getfixturevalue(persona)

    with pytest.raises(WorkflowError):
        complaint_skip_step(complaint=complaint, user=user, step=step, reason="Not needed")

    assert not RecoveryAction.objects.filter(complaint=complaint, step=step).exists()


@pytest.mark.parametrize("step", STEPS)
def test_a_manager_may_do_the_steps_on_anyones_complaint(alice, maria, complaint, step):
    complaint = advance(complaint, alice, step)

    do_step(step, complaint=complaint, user=maria)

    assert RecoveryAction.objects.get(complaint=complaint, step=step).done_by == maria
    assert event_for(complaint).actor == maria


def test_an_owner_whose_account_was_deactivated_can_no_longer_act(alice, complaint):
    alice.is_active = False
    alice.save()

    assert_refused(
        lambda: complaint_apologize(complaint=complaint, user=alice),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )


@pytest.mark.parametrize("step", STEPS)
def test_employee_complaints_stay_invisible_to_front_line_colleagues_who_do_not_own_them(alice, bob, step):
    complaint = advance(employee_complaint(alice), alice, step)

    # The same words as for a complaint that does not exist: not even "Only the owner (…)".
    assert_refused(
        lambda: do_step(step, complaint=complaint, user=bob),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )


def test_a_manager_may_work_an_employee_complaint(alice, maria):
    complaint = employee_complaint(alice)

    complaint_apologize(complaint=complaint, user=maria, note="Sorry")

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.REINSTATE


def test_a_step_fails_cleanly_when_the_severity_has_no_policy(alice, complaint):
    RecoveryPolicy.objects.filter(severity=complaint.severity).delete()

    # The action is written before the next due time is looked up; the transaction must undo it.
    assert_refused(
        lambda: complaint_apologize(complaint=complaint, user=alice),
        match="There is no recovery policy for medium complaints",
        field="severity",
        complaint=complaint,
    )


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("customer_group", [CustomerGroup.END_USER, CustomerGroup.EMPLOYEE])
def test_a_stale_form_tells_someone_who_may_not_see_the_complaint_nothing_about_it(
    alice, bob, olivia, step, customer_group
):
    complaint = advance(log_complaint(user=alice, customer=new_customer(group=customer_group)), alice, step)
    outsider = bob if customer_group == CustomerGroup.EMPLOYEE else olivia

    error = assert_refused(
        lambda: do_step(step, complaint=complaint, user=outsider, expected_version=complaint.version - 1),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )
    assert not isinstance(error, StaleComplaintError)
    assert complaint.reference not in error.message
