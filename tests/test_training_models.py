"""The training tables hold what the database can hold by itself."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from training.models import Assignment, AssignmentReason, Attempt, Choice, ModuleVersion, Question, TrainingModule

pytestmark = pytest.mark.django_db


def _version(**kwargs):
    module = TrainingModule.objects.create(slug=kwargs.pop("slug", "a-module"))
    return ModuleVersion.objects.create(module=module, number=1, title="A module", **kwargs)


@pytest.mark.parametrize("pass_mark", [0, 101])
def test_a_pass_mark_outside_1_to_100_is_refused(pass_mark):
    with pytest.raises(IntegrityError, match="training_pass_mark_1_100"):
        _version(pass_mark=pass_mark)


def test_two_choices_of_one_question_cannot_both_be_right():
    question = Question.objects.create(version=_version(), order=1, text="Which?")
    Choice.objects.create(question=question, order=1, text="This", is_correct=True)
    with pytest.raises(IntegrityError, match="training_one_right_answer"):
        Choice.objects.create(question=question, order=2, text="That", is_correct=True)


def test_the_order_of_questions_is_unique_per_version():
    version = _version()
    Question.objects.create(version=version, order=1, text="One")
    with pytest.raises(IntegrityError, match="training_question_order_unique"):
        Question.objects.create(version=version, order=1, text="Two")


def test_one_open_assignment_per_person_and_module(alice):
    module = _version().module
    today = timezone.localdate()
    first = Assignment.objects.create(user=alice, module=module, due_on=today, reason=AssignmentReason.MANUAL)
    with transaction.atomic(), pytest.raises(IntegrityError, match="training_one_open_assignment"):
        Assignment.objects.create(user=alice, module=module, due_on=today, reason=AssignmentReason.REQUIRED)
    first.closed_at = timezone.now()
    first.save()
    Assignment.objects.create(user=alice, module=module, due_on=today, reason=AssignmentReason.RENEWAL)


def test_one_attempt_per_form_token(alice):
    version = _version()
    now = timezone.now()
    fields = {"user": alice, "version": version, "score": 50, "passed": False, "started_at": now, "submitted_at": now}
    Attempt.objects.create(token="v1-n1", **fields)
    with pytest.raises(IntegrityError, match="training_attempt_token_unique"):
        Attempt.objects.create(token="v1-n1", **fields)
