"""Reads of complaints: who sees what, queues, overdue steps and timelines."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts import roles
from customers.models import CustomerGroup
from recovery import permissions
from recovery.filters import ComplaintFilter
from recovery.models import Complaint, Severity, Stage
from recovery.selectors import (
    complaint_actions,
    complaint_timeline,
    complaints_visible_to,
    get_complaint_for,
    my_queue,
)
from recovery.workflow import complaint_add_note, complaint_assign, complaint_reopen
from tests.factories import log_complaint, manager_user
from tests.helpers.customers import new_customer
from tests.helpers.workflow import T0, advance, closed, employee_complaint


@pytest.fixture
def complaints(alice, bob, customer):
    """One ordinary and one employee complaint each for alice and bob."""
    return {
        "alice": log_complaint(user=alice, customer=customer),
        "bob": log_complaint(user=bob, customer=customer),
        "alice employee": employee_complaint(alice),
        "bob employee": employee_complaint(bob),
    }


VISIBLE = {
    "alice": {"alice", "bob", "alice employee"},
    "bob": {"alice", "bob", "bob employee"},
    "maria": {"alice", "bob", "alice employee", "bob employee"},
    "olivia": set(),
}


def visible_names(user, complaints) -> set[str]:
    keys = set(complaints_visible_to(user).values_list("pk", flat=True))
    return {name for name, complaint in complaints.items() if complaint.pk in keys}


@pytest.mark.parametrize("persona", VISIBLE)
def test_each_person_sees_ordinary_complaints_but_only_their_own_employee_complaints(request, complaints, persona):
    assert visible_names(request.getfixturevalue(persona), complaints) == VISIBLE[persona]


@pytest.mark.parametrize("persona", VISIBLE)
def test_the_list_and_the_workflow_agree_about_who_sees_what(request, complaints, persona):
    user = request.getfixturevalue(persona)

    listed = visible_names(user, complaints)

    assert listed == {name for name, complaint in complaints.items() if permissions.can_view(user, complaint)}


@pytest.mark.parametrize("user", [None, "anonymous", "inactive manager"])
def test_no_account_or_a_deactivated_one_sees_nothing(complaints, user):
    person = {None: None, "anonymous": AnonymousUser()}.get(user) or manager_user(username="gone", is_active=False)

    assert not complaints_visible_to(person).exists()


def test_a_reassigned_employee_complaint_leaves_the_previous_owners_view(alice, bob, maria):
    complaint = employee_complaint(alice)

    complaint_assign(complaint=complaint, user=maria, to=bob)

    assert not complaints_visible_to(alice).filter(pk=complaint.pk).exists()
    assert complaints_visible_to(bob).filter(pk=complaint.pk).exists()


def test_the_colleague_who_complained_does_not_see_their_own_confidential_complaint(alice, bob):
    complaint = log_complaint(
        user=alice, customer=new_customer(group=CustomerGroup.EMPLOYEE, staff_user=bob), owner=alice
    )

    assert not complaints_visible_to(bob).filter(pk=complaint.pk).exists()


def test_listing_complaints_with_their_customer_category_and_owner_takes_one_query(
    alice, complaints, django_assert_num_queries
):
    roles.is_manager(alice)  # the permission look-up happens once per request, not per complaint
    with django_assert_num_queries(1):
        rows = [(c.customer.name, c.category.name, c.owner and c.owner.username) for c in complaints_visible_to(alice)]

    assert len(rows) == 3


# --- one complaint ------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "name"), [(p, n) for p in VISIBLE for n in sorted(VISIBLE["maria"])])
def test_a_complaint_is_found_only_by_those_who_may_see_it(request, complaints, persona, name):
    user = request.getfixturevalue(persona)
    pk = complaints[name].pk

    if name in VISIBLE[persona]:
        assert get_complaint_for(user, pk).pk == pk
    else:
        with pytest.raises(Http404):
            get_complaint_for(user, pk)


def test_a_complaint_that_does_not_exist_is_not_found(maria):
    with pytest.raises(Http404):
        get_complaint_for(maria, 987_654_321)


def test_the_detail_page_loads_the_complaint_and_its_people_in_one_query(maria, complaints, django_assert_num_queries):
    roles.is_manager(maria)  # the permission look-up happens once per request, not per complaint
    with django_assert_num_queries(1):
        found = get_complaint_for(maria, complaints["alice"].pk)
        assert found.logged_by is not None
        assert found.owner is not None
        names = (found.logged_by.username, found.customer.name, found.category.name, found.owner.username)
        assert found.escalated_to is None
        assert found.customer.organization is None

    assert names[0] == "alice"


# --- queues ---------------------------------------------------------------------------------------


def test_my_queue_holds_my_open_complaints_most_urgent_first(alice, bob, customer):
    with time_machine.travel(T0, tick=False) as clock:
        low = log_complaint(user=alice, customer=customer, severity=Severity.LOW)  # apology due in 8 h
        critical = log_complaint(user=alice, customer=customer, severity=Severity.CRITICAL)  # due in 1 h
        clock.shift(timedelta(minutes=10))
        medium = log_complaint(user=alice, customer=customer, severity=Severity.MEDIUM)  # due in 4 h
        waiting_to_close = advance(log_complaint(user=alice, customer=customer), alice, Stage.CLOSE)
        finished = closed(log_complaint(user=alice, customer=customer), alice)
        bobs = log_complaint(user=bob, customer=customer, severity=Severity.CRITICAL)

    queue = list(my_queue(alice))

    assert queue == [critical, medium, low, waiting_to_close]
    assert finished not in queue
    assert bobs not in queue


def test_a_reopened_complaint_returns_to_the_queue(alice, complaint):
    complaint = closed(complaint, alice)
    assert complaint not in my_queue(alice)

    complaint_reopen(complaint=complaint, user=alice, to_step=Stage.FOLLOW_UP, reason="Unhappy")

    assert list(my_queue(alice)) == [complaint]


def test_an_outsider_has_no_queue(olivia, alice, customer):
    log_complaint(user=alice, customer=customer)

    assert not my_queue(olivia).exists()


def overdue_list(user, **data):
    """Return the complaint list's "Overdue only" results for `user`, as the list page filters them."""
    return ComplaintFilter({"overdue": "on", **data}, queryset=complaints_visible_to(user)).qs


@pytest.mark.parametrize(
    ("hours_later", "overdue"),
    [(3, set()), (4, set()), (5, {"alice", "bob employee"})],
    ids=["before-due", "exactly-due", "after-due"],
)
def test_overdue_steps_are_those_past_their_due_time_for_everyone(alice, bob, maria, customer, hours_later, overdue):
    with time_machine.travel(T0, tick=False):
        complaints = {
            "alice": log_complaint(user=alice, customer=customer),  # medium: apology due in 4 h
            "bob employee": employee_complaint(bob),
            "waiting to close": advance(log_complaint(user=alice, customer=customer), alice, Stage.CLOSE),
            "closed": closed(log_complaint(user=alice, customer=customer), alice),
        }

    with time_machine.travel(T0 + timedelta(hours=hours_later), tick=False):
        due = set(overdue_list(maria).values_list("pk", flat=True))

    assert {name for name, c in complaints.items() if c.pk in due} == overdue


def test_overdue_steps_come_most_overdue_first(alice, maria, customer):
    with time_machine.travel(T0, tick=False):
        low = log_complaint(user=alice, customer=customer, severity=Severity.LOW)
        critical = log_complaint(user=alice, customer=customer, severity=Severity.CRITICAL)

    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert list(overdue_list(maria, sort="due")) == [critical, low]


# --- timeline and actions ------------------------------------------------------------------------------


def test_the_timeline_lists_every_event_oldest_first_with_its_actor(alice, bob, customer, django_assert_num_queries):
    with time_machine.travel(T0, tick=False) as clock:
        complaint = log_complaint(user=alice, customer=customer)
        clock.shift(timedelta(minutes=1))
        complaint = advance(complaint, alice, Stage.EMPATHIZE)
        clock.shift(timedelta(minutes=1))
        complaint_add_note(complaint=complaint, user=bob, text="Customer rang again")

    with django_assert_num_queries(1):
        timeline = [(e.kind, e.actor and e.actor.username) for e in complaint_timeline(complaint)]

    assert timeline == [
        ("logged", "alice"),
        ("step_done", "alice"),
        ("step_done", "alice"),
        ("note", "bob"),
    ]


def test_the_actions_of_every_round_are_listed_in_order(alice, complaint, django_assert_num_queries):
    complaint = closed(complaint, alice)
    complaint = complaint_reopen(complaint=complaint, user=alice, to_step=Stage.ATONE, reason="Voucher bounced")
    complaint = advance(complaint, alice, Stage.FOLLOW_UP)

    with django_assert_num_queries(1):
        actions = [(a.round, a.step, a.done_by.username) for a in complaint_actions(complaint)]

    assert actions == [
        (1, "apologize", "alice"),
        (1, "reinstate", "alice"),
        (1, "empathize", "alice"),
        (1, "atone", "alice"),
        (1, "follow_up", "alice"),
        (2, "atone", "alice"),
    ]
    assert Complaint.objects.get(pk=complaint.pk).round == 2
