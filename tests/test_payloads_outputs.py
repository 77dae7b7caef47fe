"""Hostile text on its way out: in emails and in CSV downloads.

The texts are written straight into the rows (as an older version, the admin or a data import might
have stored them, line breaks in names included), so these tests check the way out on its own:

- every email CareDesk sends about a complaint, a coaching review or a training module (sent through
  the real sending loops into Django's locmem outbox) carries the text in its body, plain in the text
  part and escaped in the HTML part, and never in a header: no header gains a line break, none is added;
- every CSV download (the complaint export, the dashboard's handler table, the training matrix) keeps
  the text and neutralises a formula: no cell starts with = + - @, a tab or a carriage return.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.csv_export import BOM, FORMULA_TRIGGERS
from customers.models import Customer, Organization
from recovery.models import Complaint, Reminder, ReminderKind, ReminderStatus, Stage
from recovery.notifications import sending
from recovery.workflow import complaint_assign
from tests.factories import front_line_user, log_complaint
from tests.helpers.coaching import closed_complaint, review
from tests.helpers.customers import new_customer
from tests.helpers.training import draft
from tests.helpers.workflow import bring_to
from tests.payloads import CORPUS, DANGEROUS
from training import reminder_sending
from training import services as training_services
from training.coaching import sending as coaching_sending
from training.coaching.models import CoachingNotice
from training.models import ModuleVersion, TrainingReminder

pytestmark = pytest.mark.django_db

# What reaches an email: markup, template and format syntax, direction marks, emoji, a formula, and
# the header injections (a name or summary with CR LF and a header after it).
EMAIL_PAYLOADS = [
    "xss-0",
    "xss-1",
    "template-tags",
    "format-braces",
    "right-to-left",
    "emoji",
    "formula-dde",
    "crlf-header",
]
# Every way a cell can start a formula, and text around them that must stay as it is.
CSV_TEXTS = {
    **{name: CORPUS[name] for name in ("formula-equals", "formula-dde", "formula-plus", "formula-minus")},
    "formula-at": CORPUS["formula-at"],
    "tab-first": "\t=1+1 after a tab",
    "cr-first": "\r=1+1 after a carriage return",
    "crlf-lines": CORPUS["crlf-lines"],
    "xss-0": CORPUS["xss-0"],
    "quotes-and-commas": CORPUS["quotes-and-commas"],
    "right-to-left": CORPUS["right-to-left"],
    "emoji": CORPUS["emoji"],
}
# The headers CareDesk's emails have; anything else would have been injected.
HEADERS = {"Content-Type", "MIME-Version", "Subject", "From", "To", "Date", "Message-ID"}


# --- emails -------------------------------------------------------------------------------------------


def deliver_reminder(reminder: Reminder) -> mail.EmailMessage:
    """Claim and send one complaint email as the worker would; return what the outbox got."""
    now = max(timezone.now(), reminder.due_at + timedelta(seconds=1))
    sending.reminders_claim_due(enqueue=lambda pk, attempt: None, now=now)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CLAIMED, reminder.kind
    mail.outbox.clear()
    assert sending.reminder_deliver(reminder_id=reminder.pk, attempt=reminder.attempts) == "sent", reminder.kind
    [message] = mail.outbox
    return message


def deliver_coaching_notice(notice: CoachingNotice) -> mail.EmailMessage:
    coaching_sending.coaching_notices_claim_due(enqueue=lambda pk, attempt: None, now=timezone.now())
    notice.refresh_from_db()
    mail.outbox.clear()
    assert coaching_sending.coaching_notice_deliver(notice_id=notice.pk, attempt=notice.attempts) == "sent"
    [message] = mail.outbox
    return message


def deliver_training_reminder(reminder: TrainingReminder) -> mail.EmailMessage:
    now = max(timezone.now(), reminder.due_at + timedelta(seconds=1))
    reminder_sending.training_reminders_claim_due(enqueue=lambda pk, attempt: None, now=now)
    reminder.refresh_from_db()
    mail.outbox.clear()
    assert reminder_sending.training_reminder_deliver(reminder_id=reminder.pk, attempt=reminder.attempts) == "sent"
    [message] = mail.outbox
    return message


def assert_carried_safely(message: mail.EmailMessage, text: str, what: str) -> None:
    """The text is in both parts of the body, as it should read there, and in no header."""
    raw = message.message().as_bytes()
    parsed = message_from_bytes(raw)
    injected = [name for name in parsed if name not in HEADERS and not name.startswith("X-CareDesk-")]
    assert injected == [], f"{what}: headers {injected}"
    for name, value in message.message().items():
        assert "\r" not in value, f"{what}: a carriage return in {name}"
        assert "\n" not in value.replace("\n ", ""), f"{what}: a line break in {name}"
    assert text not in str(message.subject), f"{what}: typed text in the subject"
    assert all(text not in address for address in message.to), f"{what}: typed text in To"
    body = message.body.replace("\r\n", "\n")
    html = str(message.alternatives[0][0]) if isinstance(message, mail.EmailMultiAlternatives) else ""
    for line in text.replace("\r\n", "\n").split("\n"):
        assert line in body, f"{what}: {line!r} not in the text part"
        assert escape(line) in html, f"{what}: {line!r} not escaped in the HTML part"
    for fragment in DANGEROUS:
        assert fragment not in html, f"{what}: live markup {fragment!r} in the HTML part"


@pytest.mark.parametrize("payload", EMAIL_PAYLOADS)
def test_complaint_emails_carry_typed_text_in_the_body_never_in_a_header(alice, bob, maria, payload):
    text = CORPUS[payload]
    customer = new_customer(name="Pat Doe", email="pat@example.org", consents_to_contact=True)
    complaint = log_complaint(user=alice, customer=customer)
    # Stored as they are: a name and a summary with CR LF in them get no further than the body.
    Customer.objects.filter(pk=customer.pk).update(name=text)
    Complaint.objects.filter(pk=complaint.pk).update(summary=text)
    complaint = complaint_assign(complaint=complaint, user=alice, to=bob)

    def owed(kind: str) -> Reminder:
        return Reminder.objects.get(complaint=complaint, kind=kind)

    for kind in (ReminderKind.ACKNOWLEDGEMENT, ReminderKind.STEP_DUE_SOON, ReminderKind.ESCALATION):
        assert_carried_safely(deliver_reminder(owed(kind)), text, f"{kind} with {payload}")
    # The notice to the new owner names the customer and the summary too.
    assert_carried_safely(deliver_reminder(owed(ReminderKind.ASSIGNED)), text, f"hand-over with {payload}")


@pytest.mark.parametrize("payload", ["crlf-header", "xss-1", "right-to-left"])
def test_the_survey_email_carries_the_customers_name_in_the_body_only(alice, payload):
    text = CORPUS[payload]
    customer = new_customer(name="Pat Doe", email="pat@example.org", consents_to_contact=True)
    complaint = bring_to(log_complaint(user=alice, customer=customer), alice, Stage.FOLLOW_UP)
    Customer.objects.filter(pk=customer.pk).update(name=text)
    survey = Reminder.objects.get(complaint=complaint, kind=ReminderKind.CUSTOMER_SURVEY)

    assert_carried_safely(deliver_reminder(survey), text, f"survey with {payload}")


@pytest.mark.parametrize("payload", ["crlf-header", "xss-0", "emoji"])
def test_the_coaching_notice_carries_the_reviewers_name_in_the_body_only(alice, maria, customer, payload):
    text = CORPUS[payload]
    type(maria).objects.filter(pk=maria.pk).update(first_name=text, last_name="")
    maria.refresh_from_db()
    reviewed = review(closed_complaint(alice, customer), maria)

    message = deliver_coaching_notice(CoachingNotice.objects.get(review=reviewed))

    assert_carried_safely(message, text, f"coaching notice with {payload}")


@pytest.mark.parametrize("payload", ["crlf-header", "xss-1", "template-tags"])
def test_the_training_reminder_carries_the_modules_title_in_the_body_only(alice, maria, payload):
    text = CORPUS[payload]
    module = training_services.module_create(user=maria, draft=draft(title="Listening first"))
    ModuleVersion.objects.filter(module=module).update(title=text)
    training_services.assignment_create(module=module, person=alice, due_on=timezone.localdate(), by=maria)
    reminder = TrainingReminder.objects.filter(assignment__module=module).earliest("due_at")

    assert_carried_safely(deliver_training_reminder(reminder), text, f"training reminder with {payload}")


# --- CSV downloads ------------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.removeprefix(BOM))))


def assert_neutralised(rows: list[list[str]], texts: Iterable[str], what: str) -> None:
    """No cell starts a formula, and each text is a cell, kept whole (behind an apostrophe if it started one)."""
    cells = [cell for row in rows for cell in row]
    starting_a_formula = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert starting_a_formula == [], f"{what}: cells a spreadsheet would run"
    for text in texts:
        shown = {text, text.strip()}
        kept = {cell for cell in cells if cell in shown or (cell.startswith("'") and cell[1:] in shown)}
        assert kept, f"{what}: {text!r} not kept"


def test_the_complaint_export_keeps_typed_text_and_neutralises_formulas(client, alice, maria):
    for name, text in CSV_TEXTS.items():
        customer = new_customer(name=f"Customer {name}")
        complaint = log_complaint(user=alice, customer=customer)
        organization = Organization.objects.create(name=f"Organisation {name}")
        Customer.objects.filter(pk=customer.pk).update(name=text, organization=organization)
        Organization.objects.filter(pk=organization.pk).update(name=text)
        Complaint.objects.filter(pk=complaint.pk).update(
            summary=text, root_cause=text, corrective_action=text, description=text
        )
    client.force_login(maria)

    rows = read_csv(client.get(reverse("recovery:complaint_list_csv")))

    assert len(rows) == 1 + len(CSV_TEXTS)
    assert_neutralised(rows, CSV_TEXTS.values(), "the complaint export")
    summary = rows[0].index("Summary")
    assert sorted(row[summary].removeprefix("'") for row in rows[1:]) == sorted(CSV_TEXTS.values())


def test_the_dashboards_handler_table_keeps_names_and_neutralises_formulas(client, maria):
    cache.clear()  # the figures are cached per set of filters: these must be computed from these rows
    for name, text in CSV_TEXTS.items():
        handler = front_line_user(username=f"handler-{name}", first_name="Someone", last_name="")
        type(handler).objects.filter(pk=handler.pk).update(first_name=text)
        handler.refresh_from_db()
        log_complaint(user=handler, customer=new_customer())
    client.force_login(maria)

    rows = read_csv(client.get(reverse("recovery:dashboard_handlers_csv")))

    assert_neutralised(rows, CSV_TEXTS.values(), "the handler table")


def test_the_training_matrix_keeps_titles_and_names_and_neutralises_formulas(client, maria):
    for name, text in CSV_TEXTS.items():
        person = front_line_user(username=f"person-{name}", first_name="Someone", last_name="")
        type(person).objects.filter(pk=person.pk).update(first_name=text)
        module = training_services.module_create(user=maria, draft=draft(title=f"Module {name}", required=True))
        ModuleVersion.objects.filter(module=module).update(title=text)
    client.force_login(maria)

    rows = read_csv(client.get(reverse("training:matrix_csv")))

    assert_neutralised(rows, CSV_TEXTS.values(), "the training matrix")
