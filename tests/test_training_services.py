"""Training rules: versioning, needs retaking, automatic assignment, renewal, taking a module."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import FRONT_LINE, MANAGERS
from common.errors import DomainError
from tests.factories import UserFactory, front_line_user
from tests.helpers.training import answers, current, draft
from training import services
from training.content import QuestionDraft, SectionDraft
from training.definitions import add_months
from training.models import Assignment, AssignmentReason, Attempt, ModuleVersion, TrainingModule
from training.starter_content import MODULES

pytestmark = pytest.mark.django_db

# The starter set's required modules (training/starter_content.py).
REQUIRED_STARTERS = sum(1 for module in MODULES if module["required"])


def open_assignments(user, module=None):
    found = Assignment.objects.filter(user=user, closed_at__isnull=True)
    return found.filter(module=module) if module is not None else found


def take(user, module, *, right=None, token="t1"):  # noqa: S107 - a form token, not a password
    version = current(module)
    return services.attempt_submit(user=user, version=version, answers=answers(version, right=right), token=token)


# --- modules and versions ----------------------------------------------------------------------


def test_a_manager_creates_a_module_and_its_check(maria):
    module = services.module_create(user=maria, draft=draft())
    version = current(module)
    assert (module.slug, version.number, version.title, version.created_by) == (
        "listening-first",
        1,
        "Listening first",
        maria,
    )
    assert [q.choices.get(is_correct=True).text for q in version.questions.order_by("order")] == ["The customer", "No"]


def test_front_line_staff_may_not_create_or_edit_modules(alice):
    with pytest.raises(DomainError, match="Only managers"):
        services.module_create(user=alice, draft=draft())
    assert not TrainingModule.objects.filter(slug="listening-first").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"questions": ()}, "at least one question"),
        ({"questions": (QuestionDraft("Which?", ("A", "B"), None),)}, "Mark the one right answer of question 1"),
        ({"questions": (QuestionDraft("Which?", ("A",), 0),)}, "at least two choices"),
        ({"pass_mark": 101}, "pass mark is a percentage from 1 to 100"),
        ({"pass_mark": 0}, "pass mark is a percentage from 1 to 100"),
        ({"sections": (SectionDraft("Empty", "   "),)}, "at least one section with text"),
    ],
)
def test_a_module_that_breaks_the_content_rules_is_refused_and_nothing_is_stored(maria, changes, message):
    versions = ModuleVersion.objects.count()
    with pytest.raises(DomainError, match=message):
        services.module_create(user=maria, draft=draft(**changes))
    assert ModuleVersion.objects.count() == versions


def test_editing_makes_a_new_version_and_results_stay_with_the_version_taken(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    first = current(module)
    attempt = take(alice, module)
    services.module_edit(module=module, user=maria, draft=draft(title="Listening, first"), based_on=1)
    second = current(module)
    assert second.number == 2
    assert second.title == "Listening, first"
    first.refresh_from_db()
    assert first.title == "Listening first"  # the old version is never changed
    assert first.questions.count() == 2
    attempt.refresh_from_db()
    assert attempt.version == first


def test_an_edit_based_on_an_old_version_is_refused(maria, mark):
    module = services.module_create(user=maria, draft=draft())
    services.module_edit(module=module, user=mark, draft=draft(title="Mark's"), based_on=1)
    with pytest.raises(DomainError, match="newer version of this module \\(version 2\\)"):
        services.module_edit(module=module, user=maria, draft=draft(title="Maria's"), based_on=1)
    assert current(module).title == "Mark's"


def test_needs_retaking_brings_the_module_back_for_those_who_passed_an_earlier_version(maria, alice, bob):
    module = services.module_create(user=maria, draft=draft())
    take(alice, module)
    assert not open_assignments(alice, module).exists()
    services.module_edit(module=module, user=maria, draft=draft(), based_on=1)  # a plain edit
    assert not open_assignments(alice, module).exists()
    services.module_edit(module=module, user=maria, draft=draft(), based_on=2, needs_retaking=True)
    retake = open_assignments(alice, module).get()
    assert retake.reason == AssignmentReason.RETAKE
    assert retake.assigned_by is None
    assert not open_assignments(bob, module).exists()  # bob never passed it


def test_after_needs_retaking_an_old_pass_no_longer_counts_for_a_required_module(maria, alice):
    module = services.module_create(user=maria, draft=draft(required=True))
    take(alice, module)
    services.module_edit(module=module, user=maria, draft=draft(required=True), based_on=1, needs_retaking=True)
    assert open_assignments(alice, module).get().reason == AssignmentReason.RETAKE
    take(alice, module, token="t2")
    assert not open_assignments(alice, module).exists()
    assert services.assign_required(alice) == 0  # the pass of version 2 holds


# --- required modules for everyone who meets customers ----------------------------------------


def test_a_new_required_module_is_assigned_to_everyone_in_a_role_and_not_to_outsiders(maria, alice, olivia):
    module = services.module_create(user=maria, draft=draft(required=True))
    assert open_assignments(alice, module).get().reason == AssignmentReason.REQUIRED
    assert open_assignments(maria, module).exists()
    assert not open_assignments(olivia, module).exists()


def test_a_person_saved_then_given_a_role_as_the_admin_does_gets_the_required_modules(starter_data):
    person: Any = UserFactory(username="newbie")  # the admin's add form: saved first, groups after
    assert not open_assignments(person).exists()
    person.groups.set([Group.objects.get(name=FRONT_LINE)])  # save_related
    assigned = open_assignments(person)
    assert assigned.count() == REQUIRED_STARTERS
    assert {a.reason for a in assigned} == {AssignmentReason.REQUIRED}
    assert {a.due_on for a in assigned} == {timezone.localdate() + timedelta(days=30)}


def test_a_person_added_to_a_role_from_the_group_side_gets_the_required_modules(starter_data):
    person: Any = UserFactory(username="newbie")
    Group.objects.get(name=MANAGERS).user_set.add(person)
    assert open_assignments(person).count() == REQUIRED_STARTERS


def test_a_person_switched_back_on_gets_the_required_modules(starter_data):
    person = front_line_user(username="returner", is_active=False)
    assert not open_assignments(person).exists()
    person.is_active = True
    person.save(update_fields=["is_active"])
    assert open_assignments(person).count() == REQUIRED_STARTERS


def test_signing_in_does_not_run_the_rule(alice, django_assert_num_queries):
    alice.last_login = timezone.now()
    with django_assert_num_queries(1):
        alice.save(update_fields=["last_login"])


def test_assigning_required_modules_twice_adds_nothing(alice):
    assert open_assignments(alice).count() == REQUIRED_STARTERS
    assert services.assign_required(alice) == 0
    assert open_assignments(alice).count() == REQUIRED_STARTERS


# --- renewal --------------------------------------------------------------------------------------


def test_a_required_module_comes_back_when_its_renewal_runs_out(maria, alice):
    module = services.module_create(user=maria, draft=draft(required=True, renewal_months=12))
    take(alice, module)
    passed_on = timezone.localdate()
    assert services.renew_expired(timezone.now()) == 0
    expiry = add_months(passed_on, 12)
    with time_machine.travel(expiry - timedelta(days=1)):
        assert services.renew_expired(timezone.now()) == 0
    with time_machine.travel(expiry + timedelta(hours=12)):
        services.renew_expired(timezone.now())
        renewal = open_assignments(alice, module).get()
        assert renewal.reason == AssignmentReason.RENEWAL
        assert services.renew_expired(timezone.now()) == 0  # never doubled


def test_an_optional_module_comes_back_only_for_those_it_was_assigned_to(maria, alice, bob):
    module = services.module_create(user=maria, draft=draft(renewal_months=1))
    services.assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria)
    take(alice, module, token="a")
    take(bob, module, token="b")  # bob took it of his own accord
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        services.renew_expired(timezone.now())
    assert open_assignments(alice, module).get().reason == AssignmentReason.RENEWAL
    assert not open_assignments(bob, module).exists()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


# --- assigning by hand ----------------------------------------------------------------------------


def test_a_manager_assigns_a_module_to_a_person(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    due = timezone.localdate() + timedelta(days=7)
    assignment = services.assignment_create(module=module, person=alice, due_on=due, by=maria)
    assert (assignment.reason, assignment.assigned_by, assignment.due_on) == (AssignmentReason.MANUAL, maria, due)
    with pytest.raises(DomainError, match="already has this module to do"):
        services.assignment_create(module=module, person=alice, due_on=due, by=maria)


def test_a_due_date_in_the_past_is_refused(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    with pytest.raises(DomainError, match="in the past") as refused:
        services.assignment_create(
            module=module, person=alice, due_on=timezone.localdate() - timedelta(days=1), by=maria
        )
    assert refused.value.field == "due_on"


def test_a_manager_assigns_a_module_to_a_whole_role(maria, alice, bob, olivia):
    module = services.module_create(user=maria, draft=draft())
    services.assignment_create(module=module, person=bob, due_on=timezone.localdate(), by=maria)
    done = services.assignments_create_for_role(module=module, role=FRONT_LINE, due_on=timezone.localdate(), by=maria)
    assert (done.created, done.already) == (1, 1)
    assert open_assignments(alice, module).exists()
    assert not open_assignments(maria, module).exists()
    assert not open_assignments(olivia, module).exists()


def test_front_line_staff_may_not_assign(alice, bob):
    module = TrainingModule.objects.get(slug="when-to-step-back")
    with pytest.raises(DomainError, match="Only managers"):
        services.assignment_create(module=module, person=bob, due_on=timezone.localdate(), by=alice)


# --- taking a module ----------------------------------------------------------------------------


def test_a_fail_then_a_pass_stores_both_and_the_pass_closes_the_assignment(maria, alice):
    module = services.module_create(user=maria, draft=draft(pass_mark=100))
    services.assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria)
    failed = take(alice, module, right=1, token="first")
    assert (failed.score, failed.passed) == (50, False)
    assert open_assignments(alice, module).exists()
    passed = take(alice, module, token="second")
    assert (passed.score, passed.passed) == (100, True)
    closed = Assignment.objects.get(user=alice, module=module)
    assert closed.closed_at is not None
    assert closed.passed_by == passed
    assert Attempt.objects.filter(user=alice).count() == 2


def test_the_same_form_sent_twice_records_one_attempt(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    first = take(alice, module, token="same")
    again = take(alice, module, right=0, token="same")  # a second tab, other answers: the first stands
    assert again.pk == first.pk
    assert Attempt.objects.filter(user=alice).count() == 1


def test_every_question_must_be_answered(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    version = current(module)
    partial = dict(list(answers(version).items())[:1])
    with pytest.raises(DomainError, match="not answered: 2"):
        services.attempt_submit(user=alice, version=version, answers=partial, token="t")
    assert not Attempt.objects.filter(user=alice).exists()


def test_a_choice_of_another_question_is_not_an_answer(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    version = current(module)
    chosen = answers(version)
    first, second = list(chosen)
    chosen[first] = chosen[second]
    with pytest.raises(DomainError, match="not answered: 1"):
        services.attempt_submit(user=alice, version=version, answers=chosen, token="t")


def test_a_version_replaced_while_reading_is_refused(maria, alice):
    module = services.module_create(user=maria, draft=draft())
    old = current(module)
    services.module_edit(module=module, user=maria, draft=draft(), based_on=1)
    with pytest.raises(DomainError, match="changed while you were reading"):
        services.attempt_submit(user=alice, version=old, answers=answers(old), token="t")


def test_the_hourly_task_renews_and_reaches_people_the_signals_missed(starter_data):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from training.tasks import renew_training

    # An organisation's own group granting the work permission: the signal saw no role being given.
    group = Group.objects.create(name="Night shift")
    group.permissions.add(Permission.objects.get(codename="work_complaint"))
    person = get_user_model().objects.create(username="night")
    group.user_set.add(person)
    Assignment.objects.filter(user=person).delete()  # as if added by a bulk load that sends no signal
    assert renew_training() == REQUIRED_STARTERS
    assert open_assignments(person).count() == REQUIRED_STARTERS
