"""Assigning, escalating, notes, editing, closing and reopening complaints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from customers.models import CustomerGroup
from recovery.models import STEPS, Category, Complaint, EventKind, RecoveryAction, RecoveryPolicy, Severity, Stage
from recovery.workflow import (
    StaleComplaintError,
    complaint_add_note,
    complaint_apologize,
    complaint_assign,
    complaint_close,
    complaint_edit,
    complaint_escalate,
    complaint_reopen,
    complaint_set_customer_emails,
    complaint_skip_step,
    complaints_hand_over,
)
from tests.factories import front_line_user, log_complaint, manager_user
from tests.helpers.customers import new_customer
from tests.helpers.workflow import (
    T0,
    advance,
    assert_refused,
    bring_to,
    closed,
    do_step,
    employee_complaint,
    event_for,
    snapshot,
)


@pytest.fixture
def carol(starter_data):
    """A third front-line colleague, to hand complaints to."""
    return front_line_user(username="carol", first_name="Carol", last_name="Clark")


# Each action that is not a recovery step: the stage the complaint must be at, the call, and the event it writes.
ACTIONS: dict[str, tuple[Stage, Any, EventKind]] = {
    "assign": (
        Stage.APOLOGIZE,
        lambda c, user, p, **kw: complaint_assign(complaint=c, user=user, to=p["carol"], **kw),
        EventKind.ASSIGNED,
    ),
    "escalate": (
        Stage.EMPATHIZE,
        lambda c, user, p, **kw: complaint_escalate(complaint=c, user=user, to=p["maria"], reason="Wants more", **kw),
        EventKind.ESCALATED,
    ),
    "note": (
        Stage.ATONE,
        lambda c, user, p, **kw: complaint_add_note(complaint=c, user=user, text="Rang back, no answer", **kw),
        EventKind.NOTE,
    ),
    "edit": (
        Stage.REINSTATE,
        lambda c, user, p, **kw: complaint_edit(complaint=c, user=user, summary="Parcel lost", **kw),
        EventKind.EDITED,
    ),
    "close": (Stage.CLOSE, lambda c, user, p, **kw: complaint_close(complaint=c, user=user, **kw), EventKind.CLOSED),
    "reopen": (
        Stage.CLOSED,
        lambda c, user, p, **kw: complaint_reopen(complaint=c, user=user, to_step="reinstate", reason="Again", **kw),
        EventKind.REOPENED,
    ),
}
VERSIONED = [name for name in ACTIONS if name != "note"]


def act(name: str, complaint: Complaint, user: Any, people: dict[str, Any], **kwargs: Any) -> Any:
    return ACTIONS[name][1](complaint, user, people, **kwargs)


@pytest.fixture
def people(alice, bob, carol, maria, olivia):
    return {"alice": alice, "bob": bob, "carol": carol, "maria": maria, "olivia": olivia}


# --- who may do what ---------------------------------------------------------------------------

FRONT_LINE_REFUSALS = {
    "assign": "Only a manager can reassign a colleague's complaint.",
    "escalate": "Only the owner (Alice Archer) or a manager can work on C-",
    "edit": "Only the owner (Alice Archer) or a manager can work on C-",
    "close": "Only the owner (Alice Archer) or a manager can work on C-",
    "reopen": "Only the owner (Alice Archer) or a manager can work on C-",
}


@pytest.mark.parametrize("name", FRONT_LINE_REFUSALS)
def test_a_front_line_colleague_cannot_act_on_someone_elses_complaint(people, complaint, name):
    complaint = bring_to(complaint, people["alice"], ACTIONS[name][0])

    assert_refused(
        lambda: act(name, complaint, people["bob"], people), match=FRONT_LINE_REFUSALS[name], complaint=complaint
    )


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("persona", ["olivia", "inactive maria"])
def test_people_without_a_working_role_are_refused_everything(people, complaint, name, persona):
    complaint = bring_to(complaint, people["alice"], ACTIONS[name][0])
    user = people["olivia"] if persona == "olivia" else manager_user(username="gone", is_active=False)

    assert_refused(
        lambda: act(name, complaint, user, people),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )


@pytest.mark.parametrize("name", ACTIONS)
def test_employee_complaints_are_invisible_to_front_line_colleagues_who_do_not_own_them(people, name):
    complaint = bring_to(employee_complaint(people["alice"]), people["alice"], ACTIONS[name][0])

    assert_refused(
        lambda: act(name, complaint, people["bob"], people),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("actor", ["alice", "maria"])
@pytest.mark.parametrize("customer_group", [CustomerGroup.END_USER, CustomerGroup.EMPLOYEE])
def test_the_owner_and_a_manager_may_act_and_each_call_writes_exactly_one_event(people, name, actor, customer_group):
    customer = new_customer(group=customer_group)
    complaint = bring_to(log_complaint(user=people["alice"], customer=customer), people["alice"], ACTIONS[name][0])
    before = snapshot(complaint)

    act(name, complaint, people[actor], people)

    after = snapshot(complaint)
    assert after["events"] == before["events"] + 1
    assert after["actions"] == before["actions"]
    event = event_for(complaint)
    assert event.actor == people[actor]
    assert event.kind == ACTIONS[name][2]
    # A note changes no state, so other people's open forms stay valid; everything else moves the version.
    assert after["row"]["version"] == before["row"]["version"] + (0 if name == "note" else 1)


@pytest.mark.parametrize("name", VERSIONED)
def test_acting_from_a_stale_form_is_refused(people, complaint, name):
    complaint = bring_to(complaint, people["alice"], ACTIONS[name][0])

    assert_refused(
        lambda: act(name, complaint, people["alice"], people, expected_version=complaint.version - 1),
        match="was changed by someone else while you were working on it",
        complaint=complaint,
        error=StaleComplaintError,
    )


@pytest.mark.parametrize("name", VERSIONED)
@pytest.mark.parametrize("customer_group", [CustomerGroup.END_USER, CustomerGroup.EMPLOYEE])
def test_a_stale_form_tells_someone_who_may_not_see_the_complaint_nothing_about_it(people, name, customer_group):
    complaint = log_complaint(user=people["alice"], customer=new_customer(group=customer_group))
    complaint = bring_to(complaint, people["alice"], ACTIONS[name][0])
    outsider = people["bob"] if customer_group == CustomerGroup.EMPLOYEE else people["olivia"]

    error = assert_refused(
        lambda: act(name, complaint, outsider, people, expected_version=complaint.version - 1),
        match="This complaint does not exist, or you do not have access to it.",
        complaint=complaint,
    )
    assert not isinstance(error, StaleComplaintError)


@pytest.mark.parametrize("name", VERSIONED)
def test_acting_from_an_up_to_date_form_goes_through(people, complaint, name):
    complaint = bring_to(complaint, people["alice"], ACTIONS[name][0])

    result = act(name, complaint, people["alice"], people, expected_version=complaint.version)

    assert result.version == complaint.version + 1 == Complaint.objects.get(pk=complaint.pk).version


# --- assign ------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["alice", "maria"])
def test_the_owner_or_a_manager_can_hand_a_complaint_to_a_colleague(people, complaint, actor):
    complaint = advance(complaint, people["alice"], Stage.EMPATHIZE)
    before = snapshot(complaint)

    result = complaint_assign(complaint=complaint, user=people[actor], to=people["bob"])

    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.owner == result.owner == people["bob"]
    assert (stored.stage, stored.step_due_at) == (Stage.EMPATHIZE, before["row"]["step_due_at"])
    event = event_for(complaint)
    assert (event.kind, event.stage_before, event.stage_after) == (EventKind.ASSIGNED, "empathize", "empathize")
    assert event.payload == {
        "from_id": people["alice"].pk,
        "from": "Alice Archer",
        "to_id": people["bob"].pk,
        "to": "Bob Baker",
    }


def test_the_new_owner_can_work_the_complaint_and_the_old_one_no_longer_can(people, complaint):
    complaint_assign(complaint=complaint, user=people["alice"], to=people["bob"])

    assert_refused(
        lambda: complaint_apologize(complaint=complaint, user=people["alice"]),
        match="Only the owner (Bob Baker) or a manager",
        complaint=complaint,
    )
    complaint_apologize(complaint=complaint, user=people["bob"], note="Sorry")
    assert RecoveryAction.objects.get(complaint=complaint).done_by == people["bob"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (None, "Choose a colleague."),
        ("Bob Baker", "Choose a colleague."),
        ("olivia", "Olivia Outsider cannot handle complaints."),
        ("inactive", "Dora Departed cannot handle complaints."),
        ("alice", "Alice Archer already owns C-"),
    ],
)
def test_a_complaint_can_only_go_to_another_colleague_who_works_complaints(people, complaint, target, message):
    if target == "inactive":
        to = front_line_user(username="dora", first_name="Dora", last_name="Departed", is_active=False)
    else:
        to = people.get(target, target)

    assert_refused(
        lambda: complaint_assign(complaint=complaint, user=people["alice"], to=to),
        match=message,
        field="to",
        complaint=complaint,
    )


@pytest.mark.parametrize("action", ["assign", "escalate"])
def test_a_colleague_cannot_be_given_their_own_complaint(people, action):
    colleague = new_customer(group=CustomerGroup.EMPLOYEE, staff_user=people["maria"])
    complaint = log_complaint(user=people["alice"], customer=colleague)
    call = {
        "assign": lambda: complaint_assign(complaint=complaint, user=people["alice"], to=people["maria"]),
        "escalate": lambda: complaint_escalate(
            complaint=complaint, user=people["alice"], to=people["maria"], reason="Needs a manager"
        ),
    }[action]

    assert_refused(
        call,
        match="A colleague cannot handle their own complaint; choose someone else.",
        field="to",
        complaint=complaint,
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("assign", "is closed; reopen it before reassigning."),
        ("escalate", "is closed; reopen it before escalating."),
    ],
)
def test_a_closed_complaint_cannot_change_hands(people, complaint, action, message):
    complaint = closed(complaint, people["alice"])

    assert_refused(lambda: act(action, complaint, people["alice"], people), match=message, complaint=complaint)


# --- escalate ----------------------------------------------------------------------------------


def test_escalating_hands_the_complaint_to_the_manager_with_the_reason(people, customer):
    with time_machine.travel(T0, tick=False):
        complaint = advance(log_complaint(user=people["alice"], customer=customer), people["alice"], Stage.REINSTATE)
        complaint_escalate(
            complaint=complaint, user=people["alice"], to=people["maria"], reason="  Customer asked for a manager  "
        )

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner, stored.escalated_to, stored.escalated_at) == (people["maria"], people["maria"], T0)
    assert (stored.escalation_reason, stored.is_escalated, stored.stage) == (
        "Customer asked for a manager",
        True,
        Stage.REINSTATE,
    )
    event = event_for(complaint)
    assert (event.kind, event.created_at) == (EventKind.ESCALATED, T0)
    assert event.payload["reason"] == "Customer asked for a manager"
    assert (event.payload["from"], event.payload["to"]) == ("Alice Archer", "Maria Moreno")


def test_after_escalating_the_front_line_handler_can_no_longer_do_the_steps(people, complaint):
    complaint_escalate(complaint=complaint, user=people["alice"], to=people["maria"], reason="Out of my depth")

    assert_refused(
        lambda: complaint_apologize(complaint=complaint, user=people["alice"]),
        match="Only the owner (Maria Moreno) or a manager",
        complaint=complaint,
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("bob", "Bob Baker is not a manager."),
        ("olivia", "Olivia Outsider is not a manager."),
        ("inactive", "Max Gone is not a manager."),
        (None, "Choose a colleague."),
    ],
)
def test_a_complaint_can_only_be_escalated_to_an_active_manager(people, complaint, target, message):
    to = manager_user(username="max", first_name="Max", last_name="Gone", is_active=False)
    to = to if target == "inactive" else people.get(target)

    assert_refused(
        lambda: complaint_escalate(complaint=complaint, user=people["alice"], to=to, reason="Help"),
        match=message,
        field="to",
        complaint=complaint,
    )


def test_a_complaint_cannot_be_escalated_twice_to_the_same_manager(people, complaint):
    complaint = complaint_escalate(complaint=complaint, user=people["alice"], to=people["maria"], reason="Help")

    assert_refused(
        lambda: complaint_escalate(complaint=complaint, user=people["maria"], to=people["maria"], reason="Again"),
        match="is already escalated to Maria Moreno.",
        field="to",
        complaint=complaint,
    )


def test_a_complaint_handed_back_after_escalation_can_be_escalated_again(people, complaint):
    complaint = complaint_escalate(complaint=complaint, user=people["alice"], to=people["maria"], reason="Help")
    complaint = complaint_assign(complaint=complaint, user=people["maria"], to=people["alice"])

    complaint_escalate(complaint=complaint, user=people["alice"], to=people["maria"], reason="Still stuck")

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner, stored.escalation_reason) == (people["maria"], "Still stuck")
    assert list(stored.events.values_list("kind", flat=True)) == ["logged", "escalated", "assigned", "escalated"]


# --- notes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.APOLOGIZE, Stage.CLOSE, Stage.CLOSED])
def test_any_colleague_who_can_see_a_complaint_can_add_a_note(people, complaint, stage):
    complaint = bring_to(complaint, people["alice"], stage)
    before = snapshot(complaint)

    event = complaint_add_note(complaint=complaint.pk, user=people["bob"], text="  Customer rang to ask why  ")

    assert snapshot(complaint) == {**before, "events": before["events"] + 1}
    assert event == event_for(complaint)
    assert (event.kind, event.actor, event.payload) == (
        EventKind.NOTE,
        people["bob"],
        {"text": "Customer rang to ask why"},
    )
    assert event.stage_before == event.stage_after == stage


def test_a_note_does_not_make_other_peoples_forms_stale(people, complaint):
    version_in_form = complaint.version
    complaint_add_note(complaint=complaint, user=people["bob"], text="Clarified the delivery slot")

    complaint_apologize(complaint=complaint, user=people["alice"], expected_version=version_in_form)

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.REINSTATE


# --- edit ---------------------------------------------------------------------------------------


def test_editing_stores_the_change_and_records_old_and_new(people, complaint):
    billing = Category.objects.get(name="Billing")

    complaint_edit(
        complaint=complaint,
        user=people["alice"],
        summary="  Charged twice for delivery ",
        category=billing,
        channel="email",
        description="Customer waited in all day twice.",  # unchanged: not in the diff
    )

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.summary, stored.category, stored.channel) == ("Charged twice for delivery", billing, "email")
    assert stored.version == complaint.version + 1
    assert event_for(complaint).payload == {
        "changes": {
            "summary": ["Parcel arrived two days late", "Charged twice for delivery"],
            "category": ["Delivery", "Billing"],
            "channel": ["phone", "email"],
        }
    }


def test_an_edit_that_changes_nothing_stores_nothing(people, complaint):
    before = snapshot(complaint)

    result = complaint_edit(complaint=complaint, user=people["alice"], summary=" Parcel arrived two days late ")

    assert snapshot(complaint) == before
    assert result.version == complaint.version


@pytest.mark.parametrize("field", ["stage", "owner", "version", "outcome", "received_at", "customer", "round"])
def test_only_the_complaints_details_can_be_edited(people, complaint, field):
    assert_refused(
        lambda: complaint_edit(
            complaint=complaint,
            user=people["maria"],
            **{field: "closed", "summary": "Fine"},  # type: ignore[arg-type]
        ),
        match=f"These details cannot be edited: {field}.",
        complaint=complaint,
    )


@pytest.mark.parametrize("stage", [Stage.APOLOGIZE, Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE, Stage.FOLLOW_UP])
def test_a_change_of_severity_moves_the_current_steps_due_time(people, customer, stage):
    critical = RecoveryPolicy.objects.get(severity=Severity.CRITICAL)
    with time_machine.travel(T0 - timedelta(hours=1), tick=False) as clock:
        complaint = log_complaint(user=people["alice"], customer=customer)
        clock.shift(timedelta(minutes=90))
        complaint = advance(complaint, people["alice"], stage)
        due_before = complaint.step_due_at
        complaint_edit(complaint=complaint, user=people["alice"], severity=Severity.CRITICAL)

    expected = critical.due_at(stage, round_started_at=T0 - timedelta(hours=1), atoned_at=T0 + timedelta(minutes=30))
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.severity, stored.step_due_at) == (Severity.CRITICAL, expected)
    assert expected is not None
    assert stored.step_escalates_at == expected + timedelta(hours=critical.escalation_grace_hours)
    # The due time moved with the severity, and the timeline says so.
    shown = [f"{timezone.localtime(due):%a %d %b %Y, %H:%M}" for due in (due_before, expected)]
    assert event_for(complaint).payload == {"changes": {"severity": ["medium", "critical"], "step_due_at": shown}}


# --- close --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("retained", "outcome"), [(True, "retained"), (False, "lost")])
def test_closing_after_the_follow_up_takes_the_outcome_from_it(people, customer, retained, outcome):
    with time_machine.travel(T0, tick=False):
        complaint = advance(log_complaint(user=people["alice"], customer=customer), people["alice"], Stage.FOLLOW_UP)
        complaint = do_step(Stage.FOLLOW_UP, complaint=complaint, user=people["alice"], retained=retained)
        complaint_close(complaint=complaint, user=people["alice"])

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.stage, stored.outcome, stored.closed_at, stored.step_due_at) == ("closed", outcome, T0, None)
    assert not stored.is_open
    event = event_for(complaint)
    assert (event.kind, event.stage_before, event.stage_after) == (EventKind.CLOSED, "close", "closed")
    assert event.payload == {"outcome": outcome}


def test_closing_stores_the_chosen_outcome_root_cause_and_corrective_action(people, complaint):
    complaint = advance(complaint, people["alice"], Stage.CLOSE)

    complaint_close(
        complaint=complaint,
        user=people["alice"],
        outcome="lost",
        root_cause=" Courier skipped the street ",
        corrective_action="Changed courier",
    )

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.outcome, stored.root_cause, stored.corrective_action) == (
        "lost",
        "Courier skipped the street",
        "Changed courier",
    )


@pytest.mark.parametrize("stage", STEPS)
def test_a_complaint_cannot_be_closed_before_its_follow_up(people, complaint, stage):
    complaint = advance(complaint, people["alice"], stage)

    assert_refused(
        lambda: complaint_close(complaint=complaint, user=people["maria"], outcome="retained"),
        match=f"cannot be closed before its follow-up; the next step is “{stage.label}”.",
        complaint=complaint,
    )


def test_a_closed_complaint_cannot_be_closed_again(people, complaint):
    complaint = closed(complaint, people["alice"])

    assert_refused(
        lambda: complaint_close(complaint=complaint, user=people["alice"]),
        match="is already closed.",
        complaint=complaint,
    )


def test_an_escalated_complaint_is_closed_by_a_manager_until_it_is_handed_back(people, complaint):
    complaint = complaint_escalate(complaint=complaint, user=people["alice"], to=people["maria"], reason="Help")
    complaint = advance(complaint, people["maria"], Stage.CLOSE)

    assert_refused(
        lambda: complaint_close(complaint=complaint, user=people["alice"]),
        match="Only the owner (Maria Moreno) or a manager",
        complaint=complaint,
    )
    # Handing it back ends the escalation, so its owner closes it.
    complaint = complaint_assign(complaint=complaint, user=people["maria"], to=people["alice"])
    assert not complaint.is_escalated
    complaint_close(complaint=complaint, user=people["alice"])
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.CLOSED


# --- reopen -------------------------------------------------------------------------------------


@pytest.mark.parametrize("to_step", STEPS)
def test_reopening_starts_a_new_round_at_the_step_that_failed(people, customer, to_step):
    policy = RecoveryPolicy.objects.get(severity=Severity.MEDIUM)
    reopened_at = T0 + timedelta(days=20)
    with time_machine.travel(T0, tick=False) as clock:
        complaint = closed(log_complaint(user=people["alice"], customer=customer), people["alice"])
        clock.move_to(reopened_at)
        before = snapshot(complaint)
        complaint_reopen(complaint=complaint, user=people["alice"], to_step=to_step, reason="  Voucher didn't work ")

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.stage, stored.round, stored.round_first_step, stored.round_started_at) == (
        to_step,
        2,
        to_step,
        reopened_at,
    )
    assert (stored.outcome, stored.closed_at, stored.satisfaction) == ("", None, None)
    assert stored.step_due_at == policy.due_at(to_step, round_started_at=reopened_at, atoned_at=reopened_at)
    assert stored.version == before["row"]["version"] + 1
    # The first round's five steps are kept.
    assert RecoveryAction.objects.filter(complaint=complaint, round=1).count() == len(STEPS)
    event = event_for(complaint)
    assert (event.kind, event.stage_before, event.stage_after) == (EventKind.REOPENED, "closed", to_step)
    assert event.payload == {
        "to_step": to_step,
        "reason": "Voucher didn't work",
        "round": 2,
        "previous_outcome": "retained",
    }


@pytest.mark.parametrize("to_step", STEPS)
def test_a_reopened_complaint_is_worked_from_the_chosen_step_and_closed_again(people, complaint, to_step):
    complaint = closed(complaint, people["alice"])
    complaint = complaint_reopen(complaint=complaint, user=people["alice"], to_step=to_step, reason="Unhappy again")

    complaint = closed(complaint, people["alice"])

    rounds = list(RecoveryAction.objects.filter(complaint=complaint).values_list("round", "step"))
    assert rounds == [(1, step) for step in STEPS] + [(2, step) for step in STEPS[STEPS.index(to_step) :]]
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds.count("closed") == 2
    assert kinds.count("reopened") == 1


@pytest.mark.parametrize("step", [Stage.APOLOGIZE, Stage.REINSTATE, Stage.EMPATHIZE])
def test_steps_before_the_reopened_step_are_not_repeated(people, complaint, step):
    complaint = closed(complaint, people["alice"])
    complaint = complaint_reopen(complaint=complaint, user=people["alice"], to_step=Stage.ATONE, reason="Unhappy")

    assert_refused(
        lambda: do_step(step, complaint=complaint, user=people["alice"]),
        match=f"was reopened at “Atone”, so “{step.label}” is not repeated in this round. The next step is “Atone”.",
        complaint=complaint,
    )


@pytest.mark.parametrize("stage", [*STEPS, Stage.CLOSE])
def test_only_a_closed_complaint_can_be_reopened(people, complaint, stage):
    complaint = advance(complaint, people["alice"], stage)

    assert_refused(
        lambda: complaint_reopen(complaint=complaint, user=people["maria"], to_step=Stage.APOLOGIZE, reason="Again"),
        match="is still open; only a closed complaint can be reopened.",
        complaint=complaint,
    )


def test_a_complaint_can_be_edited_while_its_category_is_retired(people, complaint):
    Category.objects.filter(pk=complaint.category_id).update(is_active=False)
    retired = Category.objects.get(pk=complaint.category_id)

    # A form sends every field back, including the (now inactive) category the complaint already has.
    complaint_edit(complaint=complaint, user=people["alice"], category=retired, summary="Parcel lost")

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.category, stored.summary) == (retired, "Parcel lost")
    assert event_for(complaint).payload == {"changes": {"summary": ["Parcel arrived two days late", "Parcel lost"]}}


def test_closing_and_reopening_never_come_before_a_follow_up_dated_slightly_ahead(people, customer):
    with time_machine.travel(T0, tick=False):
        complaint = advance(log_complaint(user=people["alice"], customer=customer), people["alice"], Stage.FOLLOW_UP)
        # Accepted: within the allowed clock skew.
        followed_up_at = T0 + timedelta(minutes=2)
        complaint = do_step(Stage.FOLLOW_UP, complaint=complaint, user=people["alice"], done_at=followed_up_at)
        complaint = complaint_close(complaint=complaint, user=people["alice"])
        complaint_reopen(complaint=complaint, user=people["alice"], to_step=Stage.FOLLOW_UP, reason="Changed mind")

    stored = Complaint.objects.get(pk=complaint.pk)
    assert complaint.closed_at == followed_up_at
    assert stored.round_started_at == followed_up_at
    events = list(stored.events.filter(kind__in=["closed", "reopened"]).values_list("kind", flat=True))
    assert events == ["closed", "reopened"]


def test_a_manager_cannot_work_on_her_own_complaint(alice, maria):
    from customers.models import CustomerGroup
    from recovery.workflow import WorkflowError, complaint_apologize
    from tests.factories import CustomerFactory, log_complaint

    maria_as_customer = CustomerFactory.create(group=CustomerGroup.EMPLOYEE, staff_user=maria)
    complaint = log_complaint(user=alice, customer=maria_as_customer)
    with pytest.raises(WorkflowError, match="is your own complaint, so a colleague handles it"):
        complaint_apologize(complaint=complaint, user=maria, note="Sorry")
    assert complaint.actions.count() == 0


# --- a manager who is the complainant ------------------------------------------------------------

# Everything a manager could do to a complaint that is not a note, at a stage where it is possible.
COMPLAINANT_ACTIONS: dict[str, tuple[Stage, Any]] = {
    **{name: (stage, call) for name, (stage, call, _) in ACTIONS.items() if name != "note"},
    "step": (Stage.APOLOGIZE, lambda c, user, p, **kw: complaint_apologize(complaint=c, user=user, note="Sorry", **kw)),
    "skip": (
        Stage.REINSTATE,
        lambda c, user, p, **kw: complaint_skip_step(complaint=c, user=user, step="reinstate", reason="None", **kw),
    ),
    "emails": (
        Stage.APOLOGIZE,
        lambda c, user, p, **kw: complaint_set_customer_emails(complaint=c, user=user, enabled=False, **kw),
    ),
}


@pytest.mark.parametrize("name", sorted(COMPLAINANT_ACTIONS))
def test_a_manager_who_complained_cannot_act_on_his_own_complaint(people, mark, marks_complaint, name):
    stage, call = COMPLAINANT_ACTIONS[name]
    complaint = bring_to(marks_complaint, people["alice"], stage)

    assert_refused(
        lambda: call(complaint, mark, people, expected_version=complaint.version),
        match=f"{complaint.reference} is your own complaint, so a colleague handles it",
        complaint=complaint,
    )


def test_a_manager_who_complained_may_still_add_a_note_to_his_own_complaint(people, mark, marks_complaint):
    complaint_add_note(complaint=marks_complaint, user=mark, text="The receipts are in the blue folder")

    assert event_for(marks_complaint).kind == EventKind.NOTE


def test_a_manager_cannot_hand_over_a_colleagues_complaints_when_one_of_them_is_his_own(people, mark, marks_complaint):
    other = log_complaint(user=people["alice"])

    assert_refused(
        lambda: complaints_hand_over(user=mark, owner=people["alice"], to=people["bob"]),
        match=f"{marks_complaint.reference} is your own complaint, so a colleague handles it",
    )
    assert Complaint.objects.get(pk=other.pk).owner == people["alice"]
