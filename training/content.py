"""What a training module says, as plain data, and the rules every module's content obeys.

A `ModuleDraft` is a module's content before it is stored: what a manager typed in the module form, or
an entry of `training/starter_content.py` read by the data migration. `draft_problems` is the one place
the content rules live (a check has at least one question, every question at least two choices and
exactly one right answer, the pass mark is 1–100, at least one section has text); the services refuse a
draft it finds fault with, and the migration refuses to load starter content that breaks them.

No models here: the data migration imports this module, and must not depend on today's models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models

from common.validators import check_text, is_blank, visible_or_empty
from recovery.models import STEPS

TITLE_MAX = 200
SUMMARY_MAX = 1_000
SECTION_TITLE_MAX = 200
BODY_MAX = 20_000
QUESTION_MAX = 1_000
CHOICE_MAX = 300
EXPLANATION_MAX = 500
MAX_CHOICES = 6
PASS_MARK_MIN, PASS_MARK_MAX = 1, 100
RENEWAL_MONTHS_MAX = 60


class Audience(models.TextChoices):
    """Which customers a module is about."""

    EVERYONE = "everyone", "Everyone (internal and external customers)"
    INTERNAL = "internal", "Internal customers (colleagues)"
    EXTERNAL = "external", "External customers"


# The recovery steps a module may cover: the five steps of the recovery, as the workflow names them.
STEP_CHOICES: tuple[tuple[str, str], ...] = tuple((step.value, step.label) for step in STEPS)
STEP_VALUES: tuple[str, ...] = tuple(value for value, _ in STEP_CHOICES)


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    choices: tuple[str, ...]
    answer: int | None  # index into `choices` of the right one; None when none was marked
    explanation: str = ""


@dataclass(frozen=True)
class SectionDraft:
    title: str
    body: str


@dataclass(frozen=True)
class ModuleDraft:
    title: str
    summary: str
    audience: str
    steps: tuple[str, ...]
    required: bool
    renewal_months: int | None
    pass_mark: int
    sections: tuple[SectionDraft, ...] = field(default_factory=tuple)
    questions: tuple[QuestionDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft: where (`field`: a module field, "sections", "questions",
    or "question:<index>"), and what, in words a manager reads."""

    field: str
    message: str


def _typed(where: str, value: Any, *, limit: int, one_line: bool = False, what: str = "") -> Problem | None:
    """Return what is wrong with one text of the draft (not text, too long, control characters), or None."""
    if not isinstance(value, str):
        return Problem(where, f"{what or 'This'} is not text.")
    try:
        check_text(value.strip(), limit=limit, one_line=one_line)
    except ValidationError as exc:
        return Problem(where, f"{what}: {exc.messages[0]}" if what else exc.messages[0])
    return None


def _text_problems(draft: ModuleDraft) -> list[Problem]:
    """Return the problems of the draft's texts: lengths, control characters, line breaks in one-line texts."""
    found = [
        _typed("title", draft.title, limit=TITLE_MAX, one_line=True),
        _typed("summary", draft.summary, limit=SUMMARY_MAX),
    ]
    for number, section in enumerate(draft.sections, start=1):
        found.append(
            _typed("sections", section.title, limit=SECTION_TITLE_MAX, one_line=True, what=f"Section {number}'s title")
        )
        found.append(_typed("sections", section.body, limit=BODY_MAX, what=f"Section {number}'s text"))
    for index, question in enumerate(draft.questions):
        where, number = f"question:{index}", index + 1
        found.append(_typed(where, question.text, limit=QUESTION_MAX, what=f"Question {number}"))
        found.append(
            _typed(where, question.explanation, limit=EXPLANATION_MAX, what=f"Question {number}'s explanation")
        )
        for n, choice in enumerate(question.choices, start=1):
            found.append(_typed(where, choice, limit=CHOICE_MAX, one_line=True, what=f"Question {number}, choice {n}"))
    return [problem for problem in found if problem is not None]


def draft_problems(draft: ModuleDraft) -> list[Problem]:
    """Return everything wrong with `draft` (an empty list when it may be stored)."""
    problems: list[Problem] = _text_problems(draft)
    if problems:
        return problems  # the other rules read the texts
    if is_blank(draft.title):
        problems.append(Problem("title", "Give the module a title."))
    if draft.audience not in Audience.values:
        problems.append(Problem("audience", "Choose who the module is about."))
    unknown = [step for step in draft.steps if step not in STEP_VALUES]
    if unknown:
        problems.append(Problem("steps", f"Unknown recovery steps: {', '.join(unknown)}."))
    if not PASS_MARK_MIN <= draft.pass_mark <= PASS_MARK_MAX:
        problems.append(Problem("pass_mark", f"The pass mark is a percentage from {PASS_MARK_MIN} to {PASS_MARK_MAX}."))
    if draft.renewal_months is not None and not 1 <= draft.renewal_months <= RENEWAL_MONTHS_MAX:
        problems.append(
            Problem("renewal_months", f"Renewal is every 1 to {RENEWAL_MONTHS_MAX} months, or leave it empty.")
        )
    if all(is_blank(section.body) for section in draft.sections):
        problems.append(Problem("sections", "A module needs at least one section with text to read."))
    for section in draft.sections:
        if not is_blank(section.body) and is_blank(section.title):
            problems.append(Problem("sections", "Give every section a title."))
            break
    if not draft.questions:
        problems.append(Problem("questions", "The check needs at least one question."))
    for index, question in enumerate(draft.questions):
        where = f"question:{index}"
        if is_blank(question.text):
            problems.append(Problem(where, f"Question {index + 1} has no text."))
        if len(question.choices) < 2:
            problems.append(Problem(where, f"Question {index + 1} needs at least two choices."))
        if len(question.choices) > MAX_CHOICES:
            problems.append(Problem(where, f"Question {index + 1} has more than {MAX_CHOICES} choices."))
        if any(is_blank(choice) for choice in question.choices):
            problems.append(Problem(where, f"Question {index + 1} has an empty choice."))
        if question.answer is None or not 0 <= question.answer < len(question.choices):
            problems.append(Problem(where, f"Mark the one right answer of question {index + 1}."))
    return problems


# --- the starter content's structure (training/starter_content.py) ------------------------------------

_MODULE_KEYS = {
    "slug",
    "title",
    "summary",
    "audience",
    "steps",
    "required",
    "renewal_months",
    "pass_mark",
    "sections",
    "questions",
}
_SECTION_KEYS = {"title", "body"}
_QUESTION_KEYS = {"text", "choices", "answer", "explanation"}
STARTER_SLUGS = (
    "who-is-the-customer",
    "five-step-recovery",
    "person-then-problem",
    "when-to-step-back",
    "our-service-policy",
)


class StarterContentError(ValueError):
    """`training/starter_content.py` is not shaped as the data migration expects."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise StarterContentError(message)


def _keys(entry: Any, wanted: set[str], where: str) -> Mapping[str, Any]:
    _expect(isinstance(entry, Mapping), f"{where} is not a dict.")
    keys = set(entry)
    _expect(keys == wanted, f"{where}: missing {sorted(wanted - keys)}, unexpected {sorted(keys - wanted)}.")
    return cast(Mapping[str, Any], entry)


def _text(value: Any, where: str) -> str:
    _expect(isinstance(value, str), f"{where} is not a string.")
    return str(value)


def starter_drafts(modules: Sequence[Any]) -> list[tuple[str, ModuleDraft]]:
    """Return (slug, draft) for each starter module; raise StarterContentError on anything unexpected."""
    _expect(isinstance(modules, Sequence) and not isinstance(modules, str), "MODULES is not a list.")
    drafts: list[tuple[str, ModuleDraft]] = []
    for number, raw in enumerate(modules, start=1):
        entry = _keys(raw, _MODULE_KEYS, f"module {number}")
        slug = _text(entry["slug"], f"module {number}: slug")
        where = f"module {slug!r}"
        _expect(isinstance(entry["steps"], list), f"{where}: steps is not a list.")
        _expect(type(entry["required"]) is bool, f"{where}: required is not True or False.")
        renewal = entry["renewal_months"]
        _expect(renewal is None or type(renewal) is int, f"{where}: renewal_months is not a number or None.")
        _expect(type(entry["pass_mark"]) is int, f"{where}: pass_mark is not a number.")
        _expect(isinstance(entry["sections"], list), f"{where}: sections is not a list.")
        _expect(isinstance(entry["questions"], list), f"{where}: questions is not a list.")
        sections = []
        for index, raw_section in enumerate(entry["sections"], start=1):
            section = _keys(raw_section, _SECTION_KEYS, f"{where}, section {index}")
            sections.append(
                SectionDraft(
                    title=_text(section["title"], f"{where}, section {index}: title"),
                    body=_text(section["body"], f"{where}, section {index}: body"),
                )
            )
        questions = []
        for index, raw_question in enumerate(entry["questions"], start=1):
            question = _keys(raw_question, _QUESTION_KEYS, f"{where}, question {index}")
            _expect(isinstance(question["choices"], list), f"{where}, question {index}: choices is not a list.")
            _expect(type(question["answer"]) is int, f"{where}, question {index}: answer is not a number.")
            questions.append(
                QuestionDraft(
                    text=_text(question["text"], f"{where}, question {index}: text"),
                    choices=tuple(_text(c, f"{where}, question {index}: a choice") for c in question["choices"]),
                    answer=question["answer"],
                    explanation=_text(question["explanation"], f"{where}, question {index}: explanation"),
                )
            )
        draft = ModuleDraft(
            title=_text(entry["title"], f"{where}: title"),
            summary=_text(entry["summary"], f"{where}: summary"),
            audience=_text(entry["audience"], f"{where}: audience"),
            steps=tuple(_text(s, f"{where}: a step") for s in entry["steps"]),
            required=entry["required"],
            renewal_months=renewal,
            pass_mark=entry["pass_mark"],
            sections=tuple(sections),
            questions=tuple(questions),
        )
        problems = draft_problems(draft)
        _expect(not problems, f"{where}: " + " ".join(p.message for p in problems))
        drafts.append((slug, draft))
    slugs = [slug for slug, _ in drafts]
    _expect(
        sorted(slugs) == sorted(STARTER_SLUGS),
        f"MODULES has the slugs {slugs}; the starter set is {list(STARTER_SLUGS)}.",
    )
    return drafts


def write_content(
    draft: ModuleDraft, *, version: Any, section_model: Any, question_model: Any, choice_model: Any
) -> None:
    """Store the draft's sections and check under `version`, in order (live or a migration's models)."""
    section_model.objects.bulk_create(
        [
            section_model(version=version, order=order, title=visible_or_empty(section.title), body=section.body)
            for order, section in enumerate((s for s in draft.sections if not is_blank(s.body)), start=1)
        ]
    )
    questions = question_model.objects.bulk_create(
        [
            question_model(
                version=version, order=order, text=visible_or_empty(q.text), explanation=visible_or_empty(q.explanation)
            )
            for order, q in enumerate(draft.questions, start=1)
        ]
    )
    choice_model.objects.bulk_create(
        [
            choice_model(question=stored, order=order, text=visible_or_empty(text), is_correct=index == draft_q.answer)
            for stored, draft_q in zip(questions, draft.questions, strict=True)
            for order, (index, text) in enumerate(enumerate(draft_q.choices), start=1)
        ]
    )


def version_fields(draft: ModuleDraft) -> dict[str, Any]:
    """Return the fields of a `ModuleVersion` that the draft sets."""
    return {
        "title": visible_or_empty(draft.title),
        "summary": visible_or_empty(draft.summary),
        "audience": draft.audience,
        "steps": [step for step in STEP_VALUES if step in draft.steps],
        "required": draft.required,
        "renewal_months": draft.renewal_months,
        "pass_mark": draft.pass_mark,
    }
