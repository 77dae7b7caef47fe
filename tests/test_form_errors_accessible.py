"""Every field error of every form is tied to its field for screen readers.

Each form of the app is sent empty (or with a value it must refuse) through the real views, and in the
HTML that comes back every error of every field must be in an element that the field's input, or the
fieldset around its radio buttons, names in `aria-describedby`, and every input of that field must carry
`aria-invalid="true"`. Errors of hidden fields and of the form as a whole have no input to point at:
they must be in a `role="alert"` element, or referenced by an input marked invalid (the log form's
customer search box speaks for the hidden customer field). That the messages are also visible is
checked in a real browser (tests/browser/test_form_errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone

from recovery import surveys
from recovery.models import Stage
from tests.factories import log_complaint
from tests.helpers.workflow import bring_to

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
GROUPS = {"fieldset"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(
            " ".join(child.split()) if isinstance(child, str) else child.text() for child in self.children
        ).strip()

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()


class Tree(HTMLParser):
    """The page as a tree of elements (HTML as our templates write it: every non-void tag closed)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Element("#document", {}, None)
        self.current = self.root
        self.feed(html)
        self.by_id = {e.attrs["id"]: e for e in self.root.walk() if "id" in e.attrs}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)

    def description(self, element: Element) -> str:
        """Return the text of everything the element, or a group around it, names in aria-describedby."""
        ids: list[str] = element.attrs.get("aria-describedby", "").split()
        node = element.parent
        while node is not None:
            if node.tag in GROUPS or node.attrs.get("role") in ("group", "radiogroup"):
                ids += node.attrs.get("aria-describedby", "").split()
            node = node.parent
        return " ".join(self.by_id[i].text() for i in ids if i in self.by_id)


def plain(text: object) -> str:
    return " ".join(str(text).split())


def forms_in(response: Any) -> list[forms.BaseForm]:
    """Return every form the page was rendered with (in slots, and behind filter sets)."""
    found: list[forms.BaseForm] = []
    everything = [value for context in response.context for value in context.flatten().values()]
    for value in everything:
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            item = getattr(item, "form", item) if not isinstance(item, forms.BaseForm) else item
            if isinstance(item, forms.BaseForm) and item not in found:
                found.append(item)
    return found


def check_errors_described(response: Any) -> int:
    """Check every error on the page is described as the module says; return how many were checked."""
    html = response.content.decode()
    tree = Tree(html)
    alerts = " ".join(e.text() for e in tree.root.walk() if e.attrs.get("role") == "alert")
    invalid = [e for e in tree.root.walk() if e.attrs.get("aria-invalid") == "true"]
    described_invalid = " ".join(tree.description(e) for e in invalid)
    checked = 0
    for form in forms_in(response):
        for name, errors in form.errors.items():
            bound = form[name] if name in form.fields else None
            if bound is None or bound.is_hidden or name == NON_FIELD_ERRORS:
                for error in errors:
                    assert plain(error) in alerts or plain(error) in described_invalid, (
                        f"{type(form).__name__}: “{error}” ({name}) is neither an alert nor described"
                    )
                    checked += 1
                continue
            inputs = [
                e
                for e in tree.root.walk()
                if e.tag in ("input", "select", "textarea")
                and e.attrs.get("name") == bound.html_name
                and re.fullmatch(rf"{re.escape(bound.auto_id)}(_\d+)?", e.attrs.get("id", ""))
            ]
            assert inputs, f"{type(form).__name__}.{name} has an error but no input on the page"
            for element in inputs:
                where = f"{type(form).__name__}.{name} (#{element.attrs.get('id')})"
                assert element.attrs.get("aria-invalid") == "true", f"{where} is not marked aria-invalid"
                description = tree.description(element)
                for error in errors:
                    assert plain(error) in description, f"{where}: “{error}” is not in its description"
            checked += len(errors)
    return checked


def post(client: Any, url: str, data: dict[str, Any] | None = None, **headers: Any) -> Any:
    response = client.post(url, data or {}, **headers)
    assert response.status_code == 200, response.status_code
    return response


# --- the forms ---------------------------------------------------------------------------------


def test_sign_in_errors_are_described(client: Any, starter_data: None) -> None:
    assert check_errors_described(post(client, reverse("login"))) == 2
    assert check_errors_described(post(client, reverse("login"), {"username": "nobody", "password": "x"})) == 1


def test_log_form_errors_are_described(client: Any, alice: Any) -> None:
    client.force_login(alice)
    # customer (hidden: its message is by the search box), channel, category, severity, summary, received, owner
    assert check_errors_described(post(client, reverse("recovery:complaint_log"), {"received_at": ""})) == 7


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "inside the log form"])
def test_new_customer_errors_are_described(client: Any, alice: Any, htmx: bool) -> None:
    client.force_login(alice)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = post(client, reverse("customers:customer_quick_create"), {"new-email": "not an address"}, **headers)
    assert check_errors_described(response) == 3  # name, group, email


def test_customer_edit_errors_are_described(client: Any, alice: Any, customer: Any) -> None:
    client.force_login(alice)
    assert (
        check_errors_described(post(client, reverse("customers:customer_edit", args=[customer.pk]))) == 2
    )  # name, group


STEP_ERRORS: dict[str, int] = {
    Stage.APOLOGIZE: 2,  # minutes, when
    Stage.REINSTATE: 3,  # + what was fixed
    Stage.EMPATHIZE: 2,
    Stage.ATONE: 3,  # + what was offered
    Stage.FOLLOW_UP: 4,  # + satisfaction, did they stay (inline radio groups)
}


def test_erasure_errors_are_described(client: Any, maria: Any, customer: Any) -> None:
    client.force_login(maria)
    url = reverse("customers:customer_erase", args=[customer.pk])
    assert check_errors_described(post(client, url)) == 2
    assert check_errors_described(post(client, url, {"reason": "Asked by letter", "confirmation": "no"})) == 1


@pytest.mark.parametrize("stage", list(STEP_ERRORS))
def test_step_form_errors_are_described(client: Any, alice: Any, customer: Any, stage: str) -> None:
    complaint = bring_to(log_complaint(user=alice, customer=customer), alice, stage)
    client.force_login(alice)
    data = {"step": stage, "expected_version": complaint.version, "minutes": "-1", "done_at": "yesterday-ish"}
    response = post(client, reverse("recovery:complaint_step", args=[complaint.pk]), data)
    assert check_errors_described(response) == STEP_ERRORS[stage]


# Each action of the complaint page sent with nothing filled in, and the errors that brings.
ACTIONS = [
    ("recovery:complaint_skip", Stage.REINSTATE, {"step": Stage.REINSTATE}, 1),  # why
    ("recovery:complaint_note", Stage.APOLOGIZE, {}, 1),  # the note
    ("recovery:complaint_assign", Stage.APOLOGIZE, {}, 1),  # to whom
    ("recovery:complaint_escalate", Stage.APOLOGIZE, {}, 2),  # to whom, why
    ("recovery:complaint_close", Stage.CLOSE, {"outcome": ""}, 1),  # the outcome (stacked radios)
    ("recovery:complaint_reopen", Stage.CLOSED, {}, 2),  # which step, why
    ("recovery:complaint_edit", Stage.APOLOGIZE, {}, 4),  # summary, category, severity, channel
    ("recovery:complaint_customer_emails", Stage.APOLOGIZE, {}, 1),  # on or off (a hidden field: an alert)
]


@pytest.mark.parametrize(("url", "stage", "data", "errors"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_complaint_action_errors_are_described(
    client: Any, alice: Any, maria: Any, customer: Any, url: str, stage: str, data: dict[str, str], errors: int
) -> None:
    complaint = bring_to(log_complaint(user=alice, customer=customer), alice, stage)
    client.force_login(alice)
    response = post(client, reverse(url, args=[complaint.pk]), {"expected_version": complaint.version, **data})
    assert check_errors_described(response) == errors


def test_a_form_out_of_date_says_so_in_an_alert(client: Any, alice: Any, maria: Any, customer: Any) -> None:
    complaint = log_complaint(user=alice, customer=customer)
    client.force_login(alice)
    response = post(
        client,
        reverse("recovery:complaint_assign", args=[complaint.pk]),
        {"expected_version": "0", "to": maria.pk},
    )
    assert check_errors_described(response) == 1  # the version: "Reload the page", as an alert


def test_survey_errors_are_described(client: Any, alice: Any, customer: Any) -> None:
    complaint = bring_to(log_complaint(user=alice, customer=customer), alice, Stage.FOLLOW_UP)
    token = surveys.survey_token(surveys.survey_invite(complaint=complaint))
    response = post(client, reverse("survey:survey", args=[token]))
    assert check_errors_described(response) == 2  # the score (stacked), would you come back (inline)


def test_report_filter_errors_are_described(client: Any, maria: Any, customer: Any) -> None:
    # Some data: with none the dashboard has nothing to show (its figures on an empty period are tested elsewhere).
    # (one in the last 90 days, one last month: what the dashboard and the review show when a value is refused).
    log_complaint(user=maria, customer=customer, received_at=timezone.now() - timedelta(days=3))
    last_month = timezone.localtime().replace(day=1) - timedelta(days=10)
    log_complaint(user=maria, customer=customer, received_at=last_month)
    client.force_login(maria)
    dashboard = client.get(
        reverse("recovery:dashboard"), {"period": "custom", "date_from": "", "date_to": "2026-02-30"}
    )
    assert check_errors_described(dashboard) == 2
    review = client.get(reverse("recovery:dashboard_review"), {"month": "2026-13"})
    assert check_errors_described(review) == 1
    listed = client.get(reverse("recovery:complaint_list"), {"received_from": "31-31-2026", "stage": "nowhere"})
    assert check_errors_described(listed) == 2
