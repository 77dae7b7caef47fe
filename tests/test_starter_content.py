"""The starter training modules are well-formed data, checked without Django or a database.

A data migration loads `training.starter_content.MODULES` into version 1 of each module; these tests make
sure what it loads is complete and that the app's own rules for a module (a check with exactly one right
answer, a pass mark from 1 to 100, non-empty sections, safe Markdown) already hold for the shipped text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from training.starter_content import MODULES

SLUGS = ["who-is-the-customer", "five-step-recovery", "person-then-problem", "when-to-step-back", "our-service-policy"]
AUDIENCES = {"everyone", "internal", "external"}
STEPS = {"apologize", "reinstate", "empathize", "atone", "follow_up"}
FIELDS: dict[str, type | tuple[type, ...]] = {
    "slug": str,
    "title": str,
    "summary": str,
    "audience": str,
    "steps": list,
    "required": bool,
    "renewal_months": (int, type(None)),
    "pass_mark": int,
    "sections": list,
    "questions": list,
}
RAW_HTML = re.compile(r"<[A-Za-z!/]")
TOP_HEADING = re.compile(r"^ {0,3}#{1,2}(\s|$)", re.MULTILINE)
LINK_OR_IMAGE = re.compile(r"\]\(|\]\[|!\[|https?://|www\.")


def _texts(module: dict[str, Any]) -> list[str]:
    """Every piece of prose in a module: what the no-HTML rule applies to."""
    texts = [module["title"], module["summary"]]
    for section in module["sections"]:
        texts += [section["title"], section["body"]]
    for question in module["questions"]:
        texts += [question["text"], question["explanation"], *question["choices"]]
    return texts


def _ids() -> list[str]:
    return [str(module.get("slug")) for module in MODULES]


def test_five_modules_with_the_slugs_in_order() -> None:
    assert [module["slug"] for module in MODULES] == SLUGS


@pytest.mark.parametrize("module", MODULES, ids=_ids())
def test_every_field_is_present_with_the_right_type(module: dict[str, Any]) -> None:
    assert set(module) == set(FIELDS)
    for name, kind in FIELDS.items():
        assert isinstance(module[name], kind), name
    # bool is a subclass of int: a pass mark or renewal of True would slip through isinstance.
    assert not isinstance(module["pass_mark"], bool)
    assert not isinstance(module["renewal_months"], bool)
    assert module["title"].strip()
    assert module["summary"].strip()


@pytest.mark.parametrize("module", MODULES, ids=_ids())
def test_audience_steps_renewal_and_pass_mark_are_allowed_values(module: dict[str, Any]) -> None:
    assert module["audience"] in AUDIENCES
    assert all(isinstance(step, str) for step in module["steps"])
    assert set(module["steps"]) <= STEPS
    assert len(module["steps"]) == len(set(module["steps"]))
    assert 1 <= module["pass_mark"] <= 100
    assert module["renewal_months"] is None or module["renewal_months"] > 0


def test_what_each_module_is_promised_to_be() -> None:
    by_slug = {module["slug"]: module for module in MODULES}
    assert by_slug["five-step-recovery"]["steps"] == ["apologize", "reinstate", "empathize", "atone", "follow_up"]
    assert set(by_slug["person-then-problem"]["steps"]) == {"apologize", "empathize"}
    assert [slug for slug, module in by_slug.items() if not module["required"]] == ["when-to-step-back"]
    for slug in ("who-is-the-customer", "five-step-recovery", "our-service-policy"):
        assert by_slug[slug]["renewal_months"] == 12
    for module in MODULES:
        assert module["pass_mark"] == (80 if module["required"] else 70)


@pytest.mark.parametrize("module", MODULES, ids=_ids())
def test_sections_are_non_empty(module: dict[str, Any]) -> None:
    assert 2 <= len(module["sections"]) <= 6
    for section in module["sections"]:
        assert set(section) == {"title", "body"}
        assert isinstance(section["title"], str)
        assert section["title"].strip()
        assert isinstance(section["body"], str)
        assert section["body"].strip()
    titles = [section["title"] for section in module["sections"]]
    assert len(titles) == len(set(titles))


def test_the_recovery_has_a_section_per_step_with_a_good_and_a_poor_example() -> None:
    recovery = next(module for module in MODULES if module["slug"] == "five-step-recovery")
    for step in ("Apologize", "Reinstate", "Empathize", "Atone", "Follow up"):
        (section,) = [section for section in recovery["sections"] if section["title"].endswith(step)]
        assert "Good example" in section["body"]
        assert "Poor example" in section["body"]


@pytest.mark.parametrize("module", MODULES, ids=_ids())
def test_questions_have_choices_and_exactly_one_valid_answer(module: dict[str, Any]) -> None:
    assert 4 <= len(module["questions"]) <= 6
    for question in module["questions"]:
        assert set(question) == {"text", "choices", "answer", "explanation"}
        assert isinstance(question["text"], str)
        assert question["text"].strip()
        choices = question["choices"]
        assert isinstance(choices, list)
        assert 3 <= len(choices) <= 4
        assert all(isinstance(choice, str) and choice.strip() for choice in choices)
        assert len(choices) == len(set(choices)), question["text"]
        answer = question["answer"]
        assert isinstance(answer, int)
        assert not isinstance(answer, bool)
        assert 0 <= answer < len(choices)
        assert isinstance(question["explanation"], str)
        assert question["explanation"].strip()
        assert "\n" not in question["explanation"]


def test_right_answers_are_not_always_in_the_same_place() -> None:
    positions = {question["answer"] for module in MODULES for question in module["questions"]}
    assert positions >= {0, 1, 2, 3}


@pytest.mark.parametrize("module", MODULES, ids=_ids())
def test_no_raw_html_links_images_or_top_level_headings(module: dict[str, Any]) -> None:
    for text in _texts(module):
        assert not RAW_HTML.search(text), text
        assert not LINK_OR_IMAGE.search(text), text
    for section in module["sections"]:
        assert not TOP_HEADING.search(section["body"]), section["title"]


def test_no_money_amount_is_stated() -> None:
    """The empowerment limit lives in the policy version in force, never in the training text."""
    money = re.compile(r"[$€£¥]\s?\d|\d\s?(?:[$€£¥]|EUR|USD|GBP)\b|\b(?:EUR|USD|GBP)\s?\d")
    for module in MODULES:
        for text in _texts(module):
            assert not money.search(text), text
