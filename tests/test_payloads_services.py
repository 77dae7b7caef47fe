"""The hostile-input corpus through every service that takes free text, called as code calls it.

For each text a service takes (a complaint's summary, a step's note, a customer's name, the policy's text, a
module's question, a coaching note, a survey comment …) and each payload of tests/payloads.py: the service
either stores the text as typed (stripped of surrounding whitespace; nothing at all when only invisible
characters were typed) or refuses it with a DomainError, having stored nothing; never another exception.
Which it must be is decided here from the payload's kind and the field's limit, not from the code under test.
Each attempt is rolled back, so every payload meets the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.db import transaction

from common.errors import DomainError
from customers import services as customer_services
from customers.models import CustomerGroup
from policy import services as policy_services
from policy.models import BODY_MAX as POLICY_BODY_MAX
from policy.models import SUMMARY_MAX as POLICY_SUMMARY_MAX
from policy.models import TITLE_MAX as POLICY_TITLE_MAX
from recovery import surveys, workflow
from recovery.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    REMEDY_MAX,
    SUMMARY_MAX,
    SURVEY_COMMENT_MAX,
    AtonementKind,
    Complaint,
    ComplaintEvent,
    Outcome,
    RecoveryAction,
    Stage,
)
from tests.factories import log_complaint
from tests.helpers.coaching import ratings, review
from tests.helpers.stored import expected_text, stored_rows
from tests.helpers.training import draft
from tests.helpers.workflow import bring_to
from tests.payloads import ACCEPTED, BLANK, MULTI_LINE, REFUSED, REFUSED_IN_CODE
from training import content
from training import services as training_services
from training.coaching import rules as coaching_rules
from training.coaching import services as coaching_services
from training.coaching.services import StepRatingInput
from training.content import QuestionDraft, SectionDraft

pytestmark = pytest.mark.django_db

# Services store text, whatever it says: one payload of each kind stands for its kind here (the pages,
# which escape each differently, get every one in tests/test_payloads_views.py).
STORED_KINDS = ["xss-1", "sql-drop", "template-tags", "format-percent", "right-to-left", "emoji", "formula-dde"]
# Every control character meets the same check, so three stand for them (with the 100 kB and the broken
# characters, which meet others).
REFUSED_KINDS = ["nul", "escape", "c1-next-line", "100kB", "100kB-emoji"]
PAYLOADS: dict[str, str] = {
    **{name: ACCEPTED[name] for name in STORED_KINDS},
    **MULTI_LINE,
    **{name: REFUSED[name] for name in REFUSED_KINDS},
    **REFUSED_IN_CODE,
    **BLANK,
}


Call = Callable[["World", str], Any]


@dataclass(frozen=True)
class TextField:
    """One text a service takes: how to call the service with it, and how to read back what was stored."""

    name: str
    limit: int
    call: Call
    read: Callable[[Any], str]
    required: bool = False
    one_line: bool = False
    strips: bool = True  # Markdown keeps its leading spaces (an indented first line is code)
    needs: Callable[[World], object] = lambda world: None  # the state to make before counting rows

    def expected(self, payload: str, text: str) -> str | None:
        """Return what must be stored for `text`, or None when it must be refused."""
        return expected_text(
            payload, text, limit=self.limit, required=self.required, one_line=self.one_line, strips=self.strips
        )


class World:
    """People, and a complaint at each stage, made when a field first needs them and kept by every attempt."""

    def __init__(self, alice: Any, maria: Any, mark: Any, customer: Any) -> None:
        self.alice, self.maria, self.mark, self.customer = alice, maria, mark, customer
        self.complaints: dict[str, int] = {}

    def at(self, stage: str) -> int:
        """Return the id of the complaint at `stage` (an attempt that moves it on is rolled back)."""
        if stage not in self.complaints:
            complaint = log_complaint(user=self.alice, customer=self.customer)
            self.complaints[stage] = bring_to(complaint, self.alice, stage).pk
        return self.complaints[stage]

    @cached_property
    def marks_review(self) -> Any:
        return review(Complaint.objects.get(pk=self.at(Stage.CLOSED)), self.mark)

    @cached_property
    def survey_token(self) -> str:
        complaint = Complaint.objects.get(pk=self.at(Stage.FOLLOW_UP))
        return surveys.survey_token(surveys.survey_invite(complaint=complaint))


def at(stage: str) -> Callable[[World], object]:
    return lambda world: world.at(stage)


def step_note(stage: str, function: Any, **kwargs: Any) -> Call:
    return lambda w, text: function(complaint=w.at(stage), user=w.alice, note=text, **kwargs)


def action_field(field: str) -> Callable[[Any], str]:
    return lambda complaint: str(getattr(RecoveryAction.objects.filter(complaint=complaint).latest("pk"), field))


def complaint_field(field: str) -> Callable[[Any], str]:
    return lambda complaint: str(getattr(Complaint.objects.get(pk=complaint.pk), field))


def latest_event(key: str) -> Callable[[Any], str]:
    return lambda complaint: str(ComplaintEvent.objects.filter(complaint=complaint).latest("pk").payload[key])


def log_with(field: str) -> Call:
    return lambda w, text: log_complaint(user=w.alice, customer=w.customer, **{field: text})


def typed(field: str, text: str) -> dict[str, Any]:
    return {field: text}


def edit(field: str) -> Call:
    return lambda w, text: workflow.complaint_edit(complaint=w.at(Stage.APOLOGIZE), user=w.alice, **typed(field, text))


def close_with(field: str) -> Call:
    return lambda w, text: workflow.complaint_close(
        complaint=w.at(Stage.CLOSE), user=w.alice, outcome=Outcome.RETAINED, **typed(field, text)
    )


def publish(field: str) -> Call:
    def publish_text(w: World, text: str) -> Any:
        fields: dict[str, Any] = {"title": "Our promise", "body": "We listen.", "change_summary": "Shorter."}
        return policy_services.policy_publish(user=w.maria, empowerment_limit="50", **{**fields, field: text})

    return publish_text


def module_with(build: Callable[[str], dict[str, Any]]) -> Call:
    """Create a module whose draft has the text where `build` puts it."""
    return lambda w, text: training_services.module_create(user=w.maria, draft=draft(**build(text)))


def question(**changes: Any) -> dict[str, Any]:
    fields = {"text": "Who speaks first?", "choices": ("The customer", "You"), "answer": 0, "explanation": ""}
    return {"questions": (QuestionDraft(**{**fields, **changes}),)}


def version_field(field: str) -> Callable[[Any], str]:
    return lambda module: str(getattr(module.current_version, field))


def first(related: str, field: str) -> Callable[[Any], str]:
    def read(module: Any) -> str:
        manager = getattr(module.current_version, related)
        return str(getattr(manager.order_by("order").first(), field))

    return read


def first_choice(module: Any) -> str:
    return str(module.current_version.questions.get().choices.order_by("order").first().text)


def review_with(field: str) -> Call:
    def create(w: World, text: str) -> Any:
        notes: dict[str, Any] = {"overall": "Calm.", "next_time": "Offer sooner."}
        complaint = Complaint.objects.get(pk=w.at(Stage.CLOSED))
        return coaching_services.review_create(
            complaint=complaint, reviewer=w.maria, ratings=ratings(), **{**notes, field: text}
        )

    return create


def review_comment(w: World, text: str) -> Any:
    given = {**ratings(), "apologize": StepRatingInput("well_done", text)}
    complaint = Complaint.objects.get(pk=w.at(Stage.CLOSED))
    return coaching_services.review_create(
        complaint=complaint, reviewer=w.maria, ratings=given, overall="Calm.", next_time="Offer sooner."
    )


def reply(w: World, text: str) -> Any:
    return coaching_services.reply_add(review=w.marks_review, author=w.alice, stance="agree", text=text, token="t1")


def survey_answer(w: World, text: str) -> Any:
    return surveys.survey_answer(token=w.survey_token, satisfaction=4, would_return=True, comment=text)


def customer_create(**fields: Any) -> Call:
    def create(w: World, text: str) -> Any:
        typed = {"name": "Pat Doe", **fields}
        typed = {key: text if value is None else value for key, value in typed.items()}
        return customer_services.customer_create(user=w.alice, group=CustomerGroup.END_USER, **typed)

    return create


FIELDS = [
    # recovery.workflow
    TextField("log summary", SUMMARY_MAX, log_with("summary"), complaint_field("summary"), True, True),
    TextField("log description", DESCRIPTION_MAX, log_with("description"), complaint_field("description")),
    TextField("log remedy", REMEDY_MAX, log_with("desired_remedy"), complaint_field("desired_remedy")),
    TextField(
        "apology note",
        NOTE_MAX,
        step_note(Stage.APOLOGIZE, workflow.complaint_apologize),
        action_field("note"),
        needs=at(Stage.APOLOGIZE),
    ),
    TextField(
        "reinstate note",
        NOTE_MAX,
        step_note(Stage.REINSTATE, workflow.complaint_reinstate),
        action_field("note"),
        required=True,
        needs=at(Stage.REINSTATE),
    ),
    TextField(
        "atone note",
        NOTE_MAX,
        step_note(Stage.ATONE, workflow.complaint_atone, kind=AtonementKind.VOUCHER, value="5"),
        action_field("note"),
        needs=at(Stage.ATONE),
    ),
    TextField(
        "follow-up comment",
        NOTE_MAX,
        lambda w, text: workflow.complaint_follow_up(
            complaint=w.at(Stage.FOLLOW_UP), user=w.alice, satisfaction=4, retained=True, customer_comment=text
        ),
        action_field("customer_comment"),
        needs=at(Stage.FOLLOW_UP),
    ),
    TextField(
        "skip reason",
        REASON_MAX,
        lambda w, text: workflow.complaint_skip_step(
            complaint=w.at(Stage.REINSTATE), user=w.alice, step=Stage.REINSTATE, reason=text
        ),
        action_field("skip_reason"),
        required=True,
        needs=at(Stage.REINSTATE),
    ),
    TextField(
        "note",
        NOTE_MAX,
        lambda w, text: workflow.complaint_add_note(complaint=w.at(Stage.APOLOGIZE), user=w.alice, text=text),
        lambda event: str(ComplaintEvent.objects.get(pk=event.pk).payload["text"]),
        required=True,
        needs=at(Stage.APOLOGIZE),
    ),
    TextField(
        "escalation reason",
        REASON_MAX,
        lambda w, text: workflow.complaint_escalate(
            complaint=w.at(Stage.APOLOGIZE), user=w.alice, to=w.maria, reason=text
        ),
        complaint_field("escalation_reason"),
        required=True,
        needs=at(Stage.APOLOGIZE),
    ),
    TextField("root cause", NOTE_MAX, close_with("root_cause"), complaint_field("root_cause"), needs=at(Stage.CLOSE)),
    TextField(
        "corrective action",
        NOTE_MAX,
        close_with("corrective_action"),
        complaint_field("corrective_action"),
        needs=at(Stage.CLOSE),
    ),
    TextField(
        "reopen reason",
        REASON_MAX,
        lambda w, text: workflow.complaint_reopen(
            complaint=w.at(Stage.CLOSED), user=w.alice, to_step=Stage.ATONE, reason=text
        ),
        latest_event("reason"),
        required=True,
        needs=at(Stage.CLOSED),
    ),
    TextField(
        "edit summary", SUMMARY_MAX, edit("summary"), complaint_field("summary"), True, True, needs=at("apologize")
    ),
    TextField(
        "edit description", DESCRIPTION_MAX, edit("description"), complaint_field("description"), needs=at("apologize")
    ),
    TextField(
        "edit remedy", REMEDY_MAX, edit("desired_remedy"), complaint_field("desired_remedy"), needs=at("apologize")
    ),
    TextField("edit root cause", NOTE_MAX, edit("root_cause"), complaint_field("root_cause"), needs=at("apologize")),
    # customers.services
    TextField("customer name", 200, customer_create(name=None), lambda c: c.name, required=True, one_line=True),
    TextField("customer phone", 40, customer_create(phone=None), lambda c: c.phone, one_line=True),
    TextField(
        "customer name changed",
        200,
        lambda w, text: customer_services.customer_update(customer=w.customer, user=w.alice, name=text),
        lambda customer: type(customer).objects.get(pk=customer.pk).name,
        required=True,
        one_line=True,
    ),
    TextField(
        "organisation",
        200,
        lambda w, text: customer_services.organization_get_or_create(name=text),
        lambda organization: organization.name,
        required=True,
        one_line=True,
    ),
    # policy.services
    TextField("policy title", POLICY_TITLE_MAX, publish("title"), lambda v: v.title, True, True),
    TextField("policy text", POLICY_BODY_MAX, publish("body"), lambda v: v.body, required=True),
    TextField("policy change", POLICY_SUMMARY_MAX, publish("change_summary"), lambda v: v.change_summary, True),
    # training.services (a module's content)
    TextField(
        "module title", content.TITLE_MAX, module_with(lambda t: {"title": t}), version_field("title"), True, True
    ),
    TextField("module summary", content.SUMMARY_MAX, module_with(lambda t: {"summary": t}), version_field("summary")),
    TextField(
        "section title",
        content.SECTION_TITLE_MAX,
        module_with(lambda t: {"sections": (SectionDraft(t, "Let them finish."),)}),
        first("sections", "title"),
        True,
        True,
    ),
    TextField(
        "section text",
        content.BODY_MAX,
        module_with(lambda t: {"sections": (SectionDraft("Listen", t),)}),
        first("sections", "body"),
        required=True,
        strips=False,
    ),
    TextField(
        "question",
        content.QUESTION_MAX,
        module_with(lambda t: question(text=t)),
        first("questions", "text"),
        required=True,
    ),
    TextField(
        "choice",
        content.CHOICE_MAX,
        module_with(lambda t: question(choices=(t, "You"))),
        first_choice,
        required=True,
        one_line=True,
    ),
    TextField(
        "explanation",
        content.EXPLANATION_MAX,
        module_with(lambda t: question(explanation=t)),
        first("questions", "explanation"),
    ),
    # training.coaching.services
    TextField(
        "review overall", coaching_rules.NOTE_MAX, review_with("overall"), lambda r: r.overall, True, needs=at("closed")
    ),
    TextField(
        "review next time",
        coaching_rules.NOTE_MAX,
        review_with("next_time"),
        lambda r: r.next_time,
        True,
        needs=at("closed"),
    ),
    TextField(
        "review comment",
        coaching_rules.COMMENT_MAX,
        review_comment,
        lambda r: r.ratings.get(step="apologize").comment,
        needs=at("closed"),
    ),
    TextField(
        "reply", coaching_rules.REPLY_MAX, reply, lambda r: r.text, required=True, needs=lambda w: w.marks_review
    ),
    # recovery.surveys (the customer's answer)
    TextField("survey comment", SURVEY_COMMENT_MAX, survey_answer, lambda s: s.comment, needs=lambda w: w.survey_token),
]


def stored_text(world: World) -> tuple[Any, ...]:
    """The rows a refused change might have half-changed in place (no count shows those)."""
    rows = [type(world.customer).objects.filter(pk=world.customer.pk).values().get()]
    rows += [Complaint.objects.filter(pk=pk).values().get() for pk in world.complaints.values()]
    return tuple(rows)


def attempt(field: TextField, world: World, payload: str, text: str) -> str | None:
    """Call the service with `text`, check the outcome, roll it back; return what went wrong, if anything."""
    before = (stored_rows(), stored_text(world))
    with transaction.atomic():
        problem = _outcome(field, world, payload, text, before)
        transaction.set_rollback(True)
    return problem


def _outcome(field: TextField, world: World, payload: str, text: str, before: Any) -> str | None:
    name, expected = f"{field.name} with {payload}", field.expected(payload, text)
    try:
        with transaction.atomic():
            result = field.call(world, text)
    except DomainError as error:
        if expected is not None:
            return f"{name}: refused ({error.message}) but should store {expected[:40]!r}"
        if not error.message:
            return f"{name}: refused without a message"
        if (stored_rows(), stored_text(world)) != before:
            return f"{name}: refused, but something was stored"
        return None
    except Exception as error:  # any other exception is what this test looks for: say which
        return f"{name}: raised {type(error).__name__}: {str(error)[:80]}"
    if expected is None:
        return f"{name}: stored, but should be refused"
    stored = field.read(result)
    if stored not in (expected, expected.replace("\r\n", "\n")):
        return f"{name}: stored {stored[:60]!r}, expected {expected[:60]!r}"
    return None


@pytest.mark.parametrize("field", FIELDS, ids=[field.name for field in FIELDS])
def test_every_service_stores_the_text_as_typed_or_refuses_it_storing_nothing(alice, maria, mark, customer, field):
    world = World(alice, maria, mark, customer)
    field.needs(world)  # made once, before counting rows; every attempt is rolled back, so all meet it as it is
    problems = [p for payload, text in PAYLOADS.items() if (p := attempt(field, world, payload, text))]
    assert not problems, "\n".join(problems)
