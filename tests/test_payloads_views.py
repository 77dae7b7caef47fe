"""The hostile-input corpus through every form, posted to the real view as the person who uses it.

For each text field of each form and each payload of tests/payloads.py: never a 500; text the field must
take is stored (the view redirects) and every page that shows it shows it escaped, as typed; text it must
refuse re-shows the form with the field marked in error, what was typed kept, and nothing stored (every
table's rows counted before and after). Whether a payload must be taken or refused is decided by
`tests.helpers.stored.expected_text` from the payload's kind and the field's limit.

The main field of each screen (a complaint's summary, a note, a customer's name, a module's title) gets
every payload; the other fields get `FEW`, one of each way a text can go wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from customers.models import Customer, CustomerGroup
from policy.models import BODY_MAX as POLICY_BODY_MAX
from policy.models import SUMMARY_MAX as POLICY_SUMMARY_MAX
from policy.models import TITLE_MAX as POLICY_TITLE_MAX
from recovery import surveys
from recovery.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    REMEDY_MAX,
    SUMMARY_MAX,
    SURVEY_COMMENT_MAX,
    Complaint,
    Stage,
)
from tests.factories import log_complaint
from tests.helpers.coaching import review, review_form_data
from tests.helpers.forms import STEP_POSTS, log_data
from tests.helpers.stored import expected_text, stored_rows
from tests.helpers.workflow import bring_to
from tests.payloads import ACCEPTED, BLANK, CORPUS, DANGEROUS, assert_never_raw
from training import content
from training.coaching import rules as coaching_rules
from training.models import TrainingModule

pytestmark = pytest.mark.django_db

# One payload of each way a text can go wrong, or go through: markup, template syntax, direction marks,
# a formula, a header injection attempt, a NUL, 100 kB, and nothing visible.
FEW = ["xss-1", "template-tags", "right-to-left", "formula-dde", "crlf-header", "nul", "100kB", "zero-width-only"]


class Desk:
    """The client, the personas and a complaint at each stage, made when a form first needs one."""

    def __init__(self, client: Any, alice: Any, maria: Any, mark: Any, customer: Any) -> None:
        self.client, self.alice, self.maria, self.mark, self.customer = client, alice, maria, mark, customer
        self.complaints: dict[str, Complaint] = {}

    def at(self, stage: str) -> Complaint:
        """Return a complaint of alice's at `stage`: the one made before, unless a form moved it on."""
        kept = self.complaints.get(stage)
        if kept is not None:
            kept.refresh_from_db()
            if kept.stage == stage:
                return kept
        made = bring_to(log_complaint(user=self.alice, customer=self.customer), self.alice, stage)
        self.complaints[stage] = made
        return made

    def closed(self) -> Complaint:
        return self.at(Stage.CLOSED)

    def forget(self) -> None:
        """Make the next form act on new complaints: the ones before keep what the last one stored."""
        self.complaints.clear()

    def post(self, name: str, data: dict[str, Any], *args: Any) -> Any:
        return self.client.post(reverse(name, args=args), data)


Post = Callable[[Desk, str], Any]


@dataclass(frozen=True)
class FormField:
    """A text field of a form: who posts it, how, the rules it must keep, and the pages that show it."""

    name: str
    persona: str
    input_id: str  # the id of its input, marked aria-invalid when refused
    limit: int
    post: Post
    pages: Callable[[Desk], list[str]] = lambda desk: []  # pages of what the form just stored, read after each
    required: bool = False
    one_line: bool = False
    payloads: list[str] = field(default_factory=lambda: FEW)
    markdown: bool = False  # rendered as Markdown: its markup is checked never to be live, not shown as typed
    in_a_row: bool = False  # a row of a formset: a row left blank is left out, and the form says what is missing
    lists: Callable[[Desk], list[str]] = lambda desk: []  # pages listing everything stored, read at the end
    needs: Callable[[Desk], object] = lambda desk: None  # what the form acts on, made before counting rows

    def expected(self, payload: str) -> str | None:
        text = CORPUS[payload]
        stored = expected_text(payload, text, limit=self.limit, required=self.required, one_line=self.one_line)
        return None if stored is None else stored.replace("\r\n", "\n")


def complaint_url(complaint: Complaint, name: str = "recovery:complaint_detail") -> str:
    return reverse(name, args=[complaint.pk])


def latest_complaint_pages(desk: Desk) -> list[str]:
    latest = Complaint.objects.latest("pk")
    return [complaint_url(latest)]


def complaint_action(name: str, stage: str, **data: str) -> Callable[[str], Post]:
    """Post the complaint page's form `name` on a complaint at `stage`, with the text in `data`'s "{}"."""

    def make(text_field: str) -> Post:
        def post(desk: Desk, text: str) -> Any:
            complaint = desk.at(stage)
            posted = {"expected_version": str(complaint.version), **data, text_field: text}
            return desk.post(name, posted, complaint.pk)

        return post

    return make


def step(stage: str, text_field: str = "note") -> Post:
    def post(desk: Desk, text: str) -> Any:
        complaint = desk.at(stage)
        data = {"step": stage, "expected_version": str(complaint.version), **STEP_POSTS[stage], text_field: text}
        return desk.post("recovery:complaint_step", data, complaint.pk)

    return post


def log(text_field: str) -> Post:
    return lambda desk, text: desk.post(
        "recovery:complaint_log", log_data(desk.customer, desk.alice, **{text_field: text})
    )


def edit(text_field: str) -> Post:
    def post(desk: Desk, text: str) -> Any:
        complaint = desk.at(Stage.APOLOGIZE)
        data = {
            "expected_version": str(complaint.version),
            "summary": complaint.summary,
            "description": complaint.description,
            "desired_remedy": complaint.desired_remedy,
            "category": complaint.category_id,
            "severity": complaint.severity,
            "channel": complaint.channel,
            "root_cause": "",
            "corrective_action": "",
            text_field: text,
        }
        return desk.post("recovery:complaint_edit", data, complaint.pk)

    return post


def quick_customer(text_field: str) -> Post:
    def post(desk: Desk, text: str) -> Any:
        data = {"new-name": "Pat Doe", "new-group": CustomerGroup.END_USER, "new-email": "", f"new-{text_field}": text}
        return desk.post("customers:customer_quick_create", data)

    return post


def customer_page(desk: Desk) -> list[str]:
    return [reverse("customers:customer_detail", args=[Customer.objects.latest("pk").pk])]


def customer_pages(desk: Desk) -> list[str]:
    latest = Customer.objects.latest("pk")
    return [
        reverse("customers:customer_list") + "?group=end_user",
        reverse("customers:customer_detail", args=[latest.pk]),
        reverse("customers:customer_edit", args=[latest.pk]),
    ]


def edit_customer(desk: Desk, text: str) -> Any:
    customer = desk.customer
    data = {"name": text, "group": customer.group, "email": customer.email, "phone": customer.phone}
    return desk.post("customers:customer_edit", data, customer.pk)


def publish(text_field: str) -> Post:
    def post(desk: Desk, text: str) -> Any:
        data = {"title": "Our promise", "body": "We listen.", "change_summary": "Shorter.", "empowerment_limit": "50"}
        return desk.post("policy:publish", {**data, text_field: text})

    return post


def policy_pages(desk: Desk) -> list[str]:
    return [reverse("policy:current"), reverse("policy:versions")]


MODULE_FORM = {
    "title": "Handling a phone complaint",
    "summary": "On the phone.",
    "audience": "external",
    "steps": ["apologize"],
    "pass_mark": "50",
    "renewal_months": "",
    "sections-TOTAL_FORMS": "1",
    "sections-INITIAL_FORMS": "0",
    "sections-0-title": "Listen",
    "sections-0-body": "Let them *finish*.",
    "questions-TOTAL_FORMS": "1",
    "questions-INITIAL_FORMS": "0",
    "questions-0-text": "What first?",
    "questions-0-choice_1": "Listen",
    "questions-0-choice_2": "Explain",
    "questions-0-answer": "1",
    "questions-0-explanation": "The person first.",
}


def module(text_field: str) -> Post:
    return lambda desk, text: desk.post("training:module_create", {**MODULE_FORM, text_field: text})


def module_pages(desk: Desk) -> list[str]:
    latest = TrainingModule.objects.latest("pk")
    return [reverse("training:module_take", args=[latest.slug]), reverse("training:module_edit", args=[latest.slug])]


def review_post(text_field: str) -> Post:
    def post(desk: Desk, text: str) -> Any:
        complaint = desk.closed()
        return desk.post("training:coaching_review_create", review_form_data(**{text_field: text}), complaint.pk)

    return post


def review_pages(desk: Desk) -> list[str]:
    return [reverse("training:coaching_review", args=[desk.closed().coaching_reviews.latest("pk").pk])]


def marks_review(desk: Desk) -> Any:
    complaint = desk.closed()
    return complaint.coaching_reviews.filter(reviewer=desk.mark).first() or review(complaint, desk.mark)


def reply(desk: Desk, text: str) -> Any:
    data = {"stance": "agree", "text": text, "token": f"t{len(text)}-{abs(hash(text))}"}
    return desk.post("training:coaching_reply", data, marks_review(desk).pk)


def reply_pages(desk: Desk) -> list[str]:
    return [reverse("training:coaching_review", args=[marks_review(desk).pk])]


def survey_link(desk: Desk) -> str:
    complaint = desk.at(Stage.FOLLOW_UP)
    invited = complaint.surveys.filter(answered_at=None).first() or surveys.survey_invite(complaint=complaint)
    return reverse("survey:survey", args=[surveys.survey_token(invited)])


def survey(desk: Desk, text: str) -> Any:
    desk.client.logout()
    return desk.client.post(survey_link(desk), {"satisfaction": "4", "would_return": "yes", "comment": text})


def survey_pages(desk: Desk) -> list[str]:
    desk.client.force_login(desk.alice)
    return [complaint_url(desk.at(Stage.FOLLOW_UP))]


def complaint_pages(stage: str) -> Callable[[Desk], list[str]]:
    """The page of the complaint the form acted on (the latest one made at `stage`, or moved on from it)."""
    return lambda desk: [complaint_url(desk.complaints[stage])]


def escalate(desk: Desk, text: str) -> Any:
    complaint = desk.at(Stage.APOLOGIZE)
    data = {"expected_version": str(complaint.version), "to": desk.maria.pk, "reason": text}
    return desk.post("recovery:complaint_escalate", data, complaint.pk)


NOTE = complaint_action("recovery:complaint_note", Stage.APOLOGIZE)
SKIP = complaint_action("recovery:complaint_skip", Stage.REINSTATE, step=Stage.REINSTATE)
CLOSE = complaint_action("recovery:complaint_close", Stage.CLOSE, outcome="retained")
REOPEN = complaint_action("recovery:complaint_reopen", Stage.CLOSED, to_step=Stage.ATONE)

ALL = list(CORPUS)


def on(stage: str) -> Callable[[Desk], object]:
    return lambda desk: desk.at(stage)


# Lists show 25 a page, newest first: the corpus's main fields fill two.
LISTS = [
    reverse("recovery:complaint_list"),
    reverse("recovery:complaint_list") + "?page=2",
    reverse("recovery:my_queue"),
]

FIELDS = [
    # Logging a complaint and the complaint page
    FormField(
        "log summary",
        "alice",
        "id_summary",
        SUMMARY_MAX,
        log("summary"),
        latest_complaint_pages,
        required=True,
        one_line=True,
        payloads=ALL,
        lists=lambda desk: [*LISTS, reverse("customers:customer_detail", args=[desk.customer.pk])],
    ),
    FormField(
        "log description", "alice", "id_description", DESCRIPTION_MAX, log("description"), latest_complaint_pages
    ),
    FormField("log remedy", "alice", "id_desired_remedy", REMEDY_MAX, log("desired_remedy"), latest_complaint_pages),
    FormField(
        "note",
        "alice",
        "id_note_text",
        NOTE_MAX,
        NOTE("text"),
        complaint_pages(Stage.APOLOGIZE),
        required=True,
        payloads=ALL,
        needs=on(Stage.APOLOGIZE),
    ),
    FormField(
        "apology",
        "alice",
        "id_step_note",
        NOTE_MAX,
        step(Stage.APOLOGIZE),
        complaint_pages(Stage.APOLOGIZE),
        needs=on(Stage.APOLOGIZE),
    ),
    FormField(
        "reinstatement",
        "alice",
        "id_step_note",
        NOTE_MAX,
        step(Stage.REINSTATE),
        complaint_pages(Stage.REINSTATE),
        required=True,
        needs=on(Stage.REINSTATE),
    ),
    FormField(
        "empathy",
        "alice",
        "id_step_note",
        NOTE_MAX,
        step(Stage.EMPATHIZE),
        complaint_pages(Stage.EMPATHIZE),
        needs=on(Stage.EMPATHIZE),
    ),
    FormField(
        "atonement",
        "alice",
        "id_step_note",
        NOTE_MAX,
        step(Stage.ATONE),
        complaint_pages(Stage.ATONE),
        needs=on(Stage.ATONE),
    ),
    FormField(
        "follow-up comment",
        "alice",
        "id_step_customer_comment",
        NOTE_MAX,
        step(Stage.FOLLOW_UP, "customer_comment"),
        complaint_pages(Stage.FOLLOW_UP),
        needs=on(Stage.FOLLOW_UP),
    ),
    FormField(
        "skip reason",
        "alice",
        "id_skip_reason",
        REASON_MAX,
        SKIP("reason"),
        complaint_pages(Stage.REINSTATE),
        required=True,
        needs=on(Stage.REINSTATE),
    ),
    FormField(
        "escalation reason",
        "alice",
        "id_escalate_reason",
        REASON_MAX,
        escalate,
        complaint_pages(Stage.APOLOGIZE),
        required=True,
        needs=on(Stage.APOLOGIZE),
    ),
    FormField(
        "root cause",
        "alice",
        "id_close_root_cause",
        NOTE_MAX,
        CLOSE("root_cause"),
        complaint_pages(Stage.CLOSE),
        needs=on(Stage.CLOSE),
    ),
    FormField(
        "corrective action",
        "alice",
        "id_close_corrective_action",
        NOTE_MAX,
        CLOSE("corrective_action"),
        complaint_pages(Stage.CLOSE),
        needs=on(Stage.CLOSE),
    ),
    FormField(
        "reopen reason",
        "alice",
        "id_reopen_reason",
        REASON_MAX,
        REOPEN("reason"),
        complaint_pages(Stage.CLOSED),
        required=True,
        needs=on(Stage.CLOSED),
    ),
    FormField(
        "edited summary",
        "alice",
        "id_edit_summary",
        SUMMARY_MAX,
        edit("summary"),
        complaint_pages(Stage.APOLOGIZE),
        required=True,
        one_line=True,
        needs=on(Stage.APOLOGIZE),
    ),
    FormField(
        "edited description",
        "alice",
        "id_edit_description",
        DESCRIPTION_MAX,
        edit("description"),
        complaint_pages(Stage.APOLOGIZE),
        needs=on(Stage.APOLOGIZE),
    ),
    # Customers
    FormField(
        "customer name",
        "alice",
        "id_new-name",
        200,
        quick_customer("name"),
        customer_page,
        required=True,
        one_line=True,
        payloads=ALL,
        lists=lambda desk: [reverse("customers:customer_list"), reverse("customers:customer_list") + "?page=2"],
    ),
    FormField("customer phone", "alice", "id_new-phone", 40, quick_customer("phone"), customer_pages, one_line=True),
    FormField(
        "organisation",
        "alice",
        "id_new-organization",
        200,
        quick_customer("organization"),
        customer_pages,
        one_line=True,
    ),
    FormField(
        "customer name changed",
        "alice",
        "id_name",
        200,
        edit_customer,
        lambda desk: [reverse("customers:customer_detail", args=[desk.customer.pk])],
        required=True,
        one_line=True,
    ),
    # The service policy
    FormField(
        "policy title", "maria", "id_title", POLICY_TITLE_MAX, publish("title"), policy_pages, True, one_line=True
    ),
    FormField(
        "policy text",
        "maria",
        "id_body",
        POLICY_BODY_MAX,
        publish("body"),
        policy_pages,
        required=True,
        markdown=True,
    ),
    FormField(
        "policy change",
        "maria",
        "id_change_summary",
        POLICY_SUMMARY_MAX,
        publish("change_summary"),
        policy_pages,
        True,
    ),
    # Training modules
    FormField(
        "module title",
        "maria",
        "id_title",
        content.TITLE_MAX,
        module("title"),
        module_pages,
        required=True,
        one_line=True,
        payloads=ALL,
        lists=lambda desk: [reverse("training:module_list"), reverse("training:my_training")],
    ),
    FormField("module summary", "maria", "id_summary", content.SUMMARY_MAX, module("summary"), module_pages),
    FormField(
        "section title",
        "maria",
        "id_sections-0-title",
        content.SECTION_TITLE_MAX,
        module("sections-0-title"),
        module_pages,
        required=True,
        one_line=True,
        in_a_row=True,
    ),
    FormField(
        "section text",
        "maria",
        "id_sections-0-body",
        content.BODY_MAX,
        module("sections-0-body"),
        module_pages,
        required=True,
        markdown=True,
        in_a_row=True,
    ),
    FormField(
        "question",
        "maria",
        "id_questions-0-text",
        content.QUESTION_MAX,
        module("questions-0-text"),
        module_pages,
        required=True,
        in_a_row=True,
    ),
    FormField(
        "choice",
        "maria",
        "id_questions-0-choice_1",
        content.CHOICE_MAX,
        module("questions-0-choice_1"),
        module_pages,
        required=True,
        one_line=True,
        in_a_row=True,
    ),
    FormField(
        "explanation",
        "maria",
        "id_questions-0-explanation",
        content.EXPLANATION_MAX,
        module("questions-0-explanation"),
        lambda desk: [reverse("training:module_edit", args=[TrainingModule.objects.latest("pk").slug])],
    ),
    # Coaching
    FormField(
        "review overall",
        "maria",
        "id_overall",
        coaching_rules.NOTE_MAX,
        review_post("overall"),
        review_pages,
        True,
        needs=lambda desk: desk.closed(),
    ),
    FormField(
        "review comment",
        "maria",
        "id_comment_apologize",
        coaching_rules.COMMENT_MAX,
        review_post("comment_apologize"),
        review_pages,
        needs=lambda desk: desk.closed(),
    ),
    FormField(
        "reply",
        "alice",
        "id_text",
        coaching_rules.REPLY_MAX,
        reply,
        reply_pages,
        required=True,
        needs=lambda desk: marks_review(desk),
    ),
    # The customer's survey
    FormField(
        "survey comment",
        "anonymous",
        "id_comment",
        SURVEY_COMMENT_MAX,
        survey,
        survey_pages,
        needs=lambda desk: survey_link(desk),
    ),
]


def in_error(html: str, input_id: str) -> bool:
    """Return whether the input `input_id` is marked in error (aria-invalid), as Django marks a refused field."""
    tag = re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{re.escape(input_id)}"[^>]*>', html)
    return tag is not None and 'aria-invalid="true"' in tag.group(0)


def assert_no_live_markup(html: str, text: str) -> None:
    """Markdown makes its own markup of the text; none of the text's own markup may be live."""
    for fragment in DANGEROUS:
        if fragment in text:
            assert fragment not in html, f"raw markup {fragment!r} found in page"


def assert_shown_as_typed(html: str, text: str, where: str) -> None:
    """Each line of `text` is on the page escaped (a page may break lines with <br>), and no markup is live."""
    for line in text.split("\n"):
        if line.strip():
            assert escape(line.strip()) in html, f"{line.strip()[:60]!r} not shown (escaped) on {where}"
    assert_never_raw(html, text)


def submit(form_field: FormField, desk: Desk, payload: str) -> str | None:
    """Post one payload; check what the page and the database say. Return the text to look for on the pages."""
    text = CORPUS[payload]
    expected = form_field.expected(payload)
    form_field.needs(desk)
    before = stored_rows()
    response = form_field.post(desk, text)
    what = f"{form_field.name} with {payload}"
    assert response.status_code != 500, what
    if expected is not None:
        assert response.status_code == 302, f"{what}: not taken ({response.status_code})"
        if expected:
            assert_pages_show(form_field, desk, [(payload, expected)], form_field.pages(desk))
        desk.forget()
        return expected
    assert response.status_code in (200, 400), f"{what}: {response.status_code}"
    page = response.content.decode()
    if form_field.in_a_row and payload in BLANK:
        assert 'role="alert"' in page or "alert-danger" in page, f"{what}: the form does not say what is missing"
    else:
        assert in_error(page, form_field.input_id), f"{what}: {form_field.input_id} not marked in error"
    assert stored_rows() == before, f"{what}: refused, but something was stored"
    if payload not in BLANK:
        # What was typed is kept, to correct it (a control character is shown as typed, escaped).
        assert escape(text.strip().replace("\r\n", "\n")) in page or escape(text.strip()) in page, (
            f"{what}: the text typed is not kept"
        )
    return None


def assert_pages_show(form_field: FormField, desk: Desk, shown: list[tuple[str, str]], urls: list[str]) -> None:
    for url in urls:
        page = desk.client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        for payload, text in shown:
            if form_field.markdown:
                assert_no_live_markup(html, text)
            else:
                assert_shown_as_typed(html, text, f"{url} ({form_field.name} with {payload})")


@pytest.mark.parametrize("form_field", FIELDS, ids=[f.name for f in FIELDS])
def test_every_form_takes_the_text_and_shows_it_escaped_or_refuses_it_by_the_field(
    client, request, alice, maria, mark, customer, form_field
):
    desk = Desk(client, alice, maria, mark, customer)
    if form_field.persona != "anonymous":
        client.force_login(request.getfixturevalue(form_field.persona))
    shown = [(payload, text) for payload in form_field.payloads if (text := submit(form_field, desk, payload))]

    # A list's pages together: which page a row lands on is the list's business.
    urls = form_field.lists(desk)
    lists = "".join(client.get(url).content.decode() for url in urls)
    for payload, text in shown if urls else []:
        assert_shown_as_typed(lists, text, f"the lists ({form_field.name} with {payload})")


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(client, alice, customer):
    """A browser cannot send a lone surrogate; bytes that are not UTF-8 become U+FFFD, and the form takes them."""
    client.force_login(alice)
    data = log_data(customer, alice)
    body = "&".join(f"{key}={value}" for key, value in data.items() if key != "summary")
    response = client.post(
        reverse("recovery:complaint_log"),
        f"{body}&summary=Late%ff%fe%ed%a0%80parcel",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Complaint.objects.latest("pk").summary.startswith("Late\ufffd")


@pytest.mark.parametrize("payload", ["nul", "sql-or", "crlf-header", "100kB"])
@pytest.mark.parametrize("page", ["login", "admin:login"])
def test_signing_in_with_hostile_text_is_refused_without_an_error(client, alice, page, payload):
    text = CORPUS[payload]
    response = client.post(reverse(page), {"username": text, "password": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search("Please enter (a|the) correct username and password", html) or in_error(html, "id_username")


@pytest.mark.parametrize(
    ("data", "case"),
    [
        ({"token": "tok\x00en"}, "a NUL in the form's token"),
        ({"token": "x" * 100_000}, "a 100 kB token"),
        ({"q": "²"}, "a digit that is not ASCII"),
        ({"q": "9" * 5000}, "thousands of digits"),
        ({"version": "9" * 30}, "a version number past any column"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_tampered_check_is_refused_without_an_error(client, alice, data, case):
    module = TrainingModule.objects.get(slug="five-step-recovery")
    url = reverse("training:module_take", args=[module.slug])
    client.force_login(alice)
    page = client.get(url)
    version = module.current_version
    assert version is not None
    answers = {f"q{q.pk}": str(min(c.pk for c in q.choices.all())) for q in version.questions.all()}
    if "q" in data:
        answers = dict.fromkeys(answers, data.pop("q"))
    posted = {"version": version.pk, "token": page.context["token"], "started": page.context["started"], **answers}
    before = stored_rows()

    response = client.post(url, {**posted, **data})

    assert response.status_code == 400, case
    assert stored_rows() == before, case


def test_a_tampered_version_number_on_the_module_form_is_refused_without_an_error(client, maria):
    client.force_login(maria)
    url = reverse("training:module_edit", args=["five-step-recovery"])
    before = stored_rows()

    response = client.post(url, {**MODULE_FORM, "based_on": "1e3"})

    assert response.status_code == 400
    assert stored_rows() == before


def test_every_payload_kind_is_used_by_some_form():
    """The corpus is the one list: a payload no form meets would be a payload nobody checks."""
    used = {payload for form_field in FIELDS for payload in form_field.payloads}
    assert used == set(CORPUS), sorted(set(CORPUS) - used)
    assert ACCEPTED.keys() <= used


@pytest.mark.parametrize("token", ["x" * 100_000, "to\x00ken"], ids=["100 kB", "NUL"])
def test_a_tampered_reply_token_is_refused_without_an_error(client, alice, maria, mark, customer, token):
    desk = Desk(client, alice, maria, mark, customer)
    reviewed = marks_review(desk)
    client.force_login(alice)
    before = stored_rows()

    response = client.post(
        reverse("training:coaching_reply", args=[reviewed.pk]), {"stance": "agree", "text": "Fair.", "token": token}
    )

    assert response.status_code in (200, 400)
    assert stored_rows() == before
