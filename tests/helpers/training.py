"""Building training drafts and taking modules in tests, the way the screens do."""

from __future__ import annotations

from typing import Any

from training.content import ModuleDraft, QuestionDraft, SectionDraft
from training.models import ModuleVersion, TrainingModule


def draft(**changes: Any) -> ModuleDraft:
    """A valid two-question module; change any field by keyword."""
    fields: dict[str, Any] = {
        "title": "Listening first",
        "summary": "Let the customer finish.",
        "audience": "everyone",
        "steps": ("empathize",),
        "required": False,
        "renewal_months": None,
        "pass_mark": 50,
        "sections": (SectionDraft("Listen", "Let them **finish**."),),
        "questions": (
            QuestionDraft("Who speaks first?", ("The customer", "You"), 0, "Listen before you answer."),
            QuestionDraft("Is empathy agreeing?", ("Yes", "No"), 1, "You acknowledge, you need not agree."),
        ),
    }
    fields.update(changes)
    return ModuleDraft(**fields)


def current(module: TrainingModule) -> ModuleVersion:
    module.refresh_from_db()
    version = module.current_version
    assert version is not None
    return version


def answers(version: ModuleVersion, *, right: int | None = None) -> dict[str, str]:
    """Answers to the version's check: the first `right` questions right (all by default), the rest wrong."""
    chosen = {}
    for index, question in enumerate(version.questions.order_by("order")):
        want_right = right is None or index < right
        choice = question.choices.filter(is_correct=want_right).order_by("order").first()
        assert choice is not None
        chosen[str(question.pk)] = str(choice.pk)
    return chosen


def module_form_data(**changes: Any) -> dict[str, Any]:
    """Return the module form's fields for a small valid module, with `changes`."""
    data: dict[str, Any] = {
        "title": "Handling a phone complaint",
        "summary": "On the phone.",
        "audience": "external",
        "steps": ["apologize", "empathize"],
        "pass_mark": "50",
        "renewal_months": "",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-title": "Listen",
        "sections-0-body": "Let them *finish*.",
        "sections-1-title": "",
        "sections-1-body": "",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-0-text": "What first?",
        "questions-0-choice_1": "Listen",
        "questions-0-choice_2": "Explain",
        "questions-0-answer": "1",
        "questions-0-explanation": "The person first.",
        "questions-1-text": "",
    }
    data.update(changes)
    return data
