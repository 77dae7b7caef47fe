"""Every read of training, scoped to who asks: a person sees their own attempts, a manager anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import roles
from training.definitions import is_expired, latest_passes, pass_expires_on
from training.models import Assignment, Attempt, ModuleVersion, Question, TrainingModule


def modules_listed() -> QuerySet[TrainingModule]:
    """The modules people may read and take, by title."""
    return (
        TrainingModule.objects.filter(archived=False, current_version__isnull=False)
        .select_related("current_version")
        .order_by("current_version__title")
    )


def modules_for_managers() -> QuerySet[TrainingModule]:
    """Every module with its current version and how many people have it to do."""
    return (
        TrainingModule.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .annotate(open_count=Count("assignments", filter=Q(assignments__closed_at__isnull=True)))
        .order_by("archived", "current_version__title")
    )


def get_module(slug: str) -> TrainingModule:
    """The module to read or take; 404 when archived or unknown."""
    return get_object_or_404(modules_listed(), slug=slug)


def get_module_for_managers(slug: str) -> TrainingModule:
    return get_object_or_404(TrainingModule.objects.select_related("current_version"), slug=slug)


def version_check(version: ModuleVersion) -> list[Question]:
    """The version's questions with their choices, in order (two queries)."""
    return list(version.questions.prefetch_related("choices").order_by("order"))


def next_token(user: Any, version: ModuleVersion) -> str:
    """The form token for the user's next attempt at this version.

    The same for every tab opened before the next attempt is stored: two tabs (or a double click) send
    one token, and record one attempt.
    """
    taken = Attempt.objects.filter(user=user, version=version).count()
    return f"v{version.pk}-n{taken + 1}"


def get_attempt_for(user: Any, pk: int) -> Attempt:
    """An attempt its taker or a manager may see; 404 for anyone else."""
    attempt = get_object_or_404(Attempt.objects.select_related("version__module", "user"), pk=pk)
    if attempt.user_id != user.pk and not roles.is_manager(user):
        raise Http404
    return attempt


def attempts_of(user: Any, module: TrainingModule) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user, version__module=module).select_related("version")


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    chosen: Any  # the Choice picked, or None
    right: Any  # the right Choice
    correct: bool


def attempt_review(attempt: Attempt) -> list[AnswerRow]:
    """Each question of the attempt's version with the answer given, the right one and whether it matched."""
    rows = []
    for question in version_check(attempt.version):
        choices = list(question.choices.all())
        chosen = next((c for c in choices if c.pk == attempt.answers.get(str(question.pk))), None)
        right = next((c for c in choices if c.is_correct), None)
        rows.append(AnswerRow(question, chosen, right, chosen is not None and chosen.is_correct))
    return rows


@dataclass(frozen=True)
class ToDo:
    assignment: Assignment
    overdue: bool


@dataclass(frozen=True)
class Passed:
    module: TrainingModule
    passed_at: Any
    expires_on: date | None
    expired: bool


@dataclass(frozen=True)
class MyTraining:
    to_do: list[ToDo]
    passed: list[Passed]
    other: list[TrainingModule]  # modules to read of one's own accord


def my_training(user: Any, *, today: date) -> MyTraining:
    """What the person must do and by when (overdue first), what they passed and when it expires."""
    open_rows = (
        Assignment.objects.filter(user=user, closed_at__isnull=True, module__archived=False)
        .select_related("module__current_version")
        .order_by("due_on", "pk")
    )
    to_do = [ToDo(a, a.due_on < today) for a in open_rows]
    to_do.sort(key=lambda row: not row.overdue)  # stable: overdue first, each by due date
    modules = list(modules_listed())
    passes = latest_passes([m.pk for m in modules], [user.pk])
    passed = []
    for module in modules:
        passed_at = passes.get((user.pk, module.pk))
        if passed_at is None or module.current_version is None:
            continue
        expires_on = pass_expires_on(passed_at, module.current_version.renewal_months)
        passed.append(Passed(module, passed_at, expires_on, is_expired(expires_on, today)))
    busy = {row.assignment.module_id for row in to_do} | {row.module.pk for row in passed}
    return MyTraining(to_do=to_do, passed=passed, other=[m for m in modules if m.pk not in busy])
