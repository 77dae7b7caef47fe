"""The starter modules come with the database, and a malformed starter file stops the migration."""

from __future__ import annotations

import copy

import pytest
from django.apps import apps

from training.bootstrap import ensure_starter_modules
from training.content import STARTER_SLUGS, StarterContentError
from training.models import Choice, TrainingModule
from training.starter_content import MODULES

pytestmark = pytest.mark.django_db


def test_the_five_starter_modules_are_loaded_with_their_checks(starter_data):
    # Data migration 0002 loads them when the database is created; starter_data loads them again after a
    # transactional test flushed them, through the same function.
    modules = TrainingModule.objects.select_related("current_version")
    assert sorted(m.slug for m in modules) == sorted(STARTER_SLUGS)
    for module in modules:
        version = module.current_version
        assert version is not None
        assert version.number == 1
        assert version.sections.exists()
        for question in version.questions.all():
            assert question.choices.filter(is_correct=True).count() == 1
    recovery = TrainingModule.objects.get(slug="five-step-recovery").current_version
    assert recovery is not None
    assert recovery.steps == ["apologize", "reinstate", "empathize", "atone", "follow_up"]


def test_loading_again_adds_nothing(starter_data):
    before = Choice.objects.count()
    assert ensure_starter_modules(apps) == 0
    assert Choice.objects.count() == before


def _broken(change):
    modules = copy.deepcopy(MODULES)
    change(modules)
    return modules


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m[0].pop("pass_mark"), "missing \\['pass_mark'\\]"),
        (lambda m: m[0].update(extra=1), "unexpected \\['extra'\\]"),
        (lambda m: m[1]["questions"][0].update(answer=7), "Mark the one right answer of question 1"),
        (lambda m: m[1]["questions"][0].update(answer="0"), "answer is not a number"),
        (lambda m: m[2].update(pass_mark=101), "pass mark is a percentage"),
        (lambda m: m[2].update(audience="staff"), "Choose who the module is about"),
        (lambda m: m[3].update(steps=["apologise"]), "Unknown recovery steps: apologise"),
        (lambda m: m[3].update(questions=[]), "at least one question"),
        (lambda m: m[4].update(sections=[]), "at least one section"),
        (lambda m: m.pop(), "the starter set is"),
    ],
)
def test_a_malformed_starter_file_is_refused_loudly_and_loads_nothing(change, reason):
    TrainingModule.objects.update(current_version=None)
    TrainingModule.objects.all().delete()
    with pytest.raises(StarterContentError, match=reason):
        ensure_starter_modules(apps, _broken(change))
    assert not TrainingModule.objects.exists()
