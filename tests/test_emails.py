"""What every email has in common: the organisation as sender and signature, one subject pattern, and
one line saying why the reader gets it. Each kind CareDesk sends is built here the way the worker
builds it (claim, then deliver to the locmem backend)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, cast

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from customers.models import Customer
from recovery import digest
from recovery.models import ManagerDigest, Reminder, ReminderKind, ReminderStatus
from recovery.notifications import sending
from recovery.workflow import (
    complaint_apologize,
    complaint_assign,
    complaint_atone,
    complaint_empathize,
    complaint_escalate,
    complaint_reinstate,
)
from tests.factories import CustomerFactory, log_complaint

ORG = "Quill & Co, Ltd"
ADDRESS = "care@quill.example"
SUBJECT = re.compile(r"^\[Quill & Co, Ltd\] (?P<about>Complaint C-\d{6}|Daily digest for [^:]+): (?P<what>\S.*)$")


@pytest.fixture(autouse=True)
def organisation(settings: Any) -> None:
    settings.ORGANISATION_NAME = ORG
    settings.EMAIL_FROM_ADDRESS = ADDRESS
    settings.DEFAULT_FROM_EMAIL = f'"{ORG}" <{ADDRESS}>'


def deliver(reminder: Reminder) -> mail.EmailMultiAlternatives:
    """Claim and send one reminder as the worker would; return the email the locmem backend kept."""
    now = max(timezone.now(), reminder.due_at + timedelta(seconds=1))
    sending.reminders_claim_due(enqueue=lambda pk, attempt: None, now=now)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CLAIMED
    mail.outbox.clear()
    assert sending.reminder_deliver(reminder_id=reminder.pk, attempt=reminder.attempts) == "sent"
    [message] = mail.outbox
    return cast(mail.EmailMultiAlternatives, message)


def at_follow_up(user: Any) -> Any:
    start = timezone.now() - timedelta(days=7, hours=5)
    customer = cast(Customer, CustomerFactory(name="Dana Day", email="dana@example.org"))
    c = log_complaint(user=user, customer=customer, received_at=start)
    c = complaint_apologize(complaint=c, user=user, done_at=start + timedelta(hours=1))
    c = complaint_reinstate(complaint=c, user=user, note="New parcel", done_at=start + timedelta(hours=2))
    c = complaint_empathize(complaint=c, user=user, done_at=start + timedelta(hours=3))
    return complaint_atone(complaint=c, user=user, kind="voucher", value="15", done_at=start + timedelta(hours=4))


def one(complaint: Any, kind: str) -> Reminder:
    return Reminder.objects.get(complaint=complaint, kind=kind, round=complaint.round)


def assert_common_parts(message: mail.EmailMultiAlternatives, *, why: str) -> re.Match[str]:
    """Check sender, subject pattern, organisation and why line in both parts; return the subject's match."""
    assert message.from_email == f'"{ORG}" <{ADDRESS}>'
    assert message.message()["From"] == f'"{ORG}" <{ADDRESS}>'
    match = SUBJECT.match(str(message.subject))
    assert match, message.subject
    html = str(message.alternatives[0][0])
    assert ORG in message.body
    assert ORG.replace("&", "&amp;") in html
    # Exactly one line in the plain text, and one in the HTML, saying why.
    assert [line for line in message.body.splitlines() if line.startswith("You get this")] == [why]
    assert html.count("You get this") == 1
    assert why.replace("’", "&#x27;") in html or why in html
    return match


def test_the_owners_reminders_say_they_are_sent_because_you_own_the_complaint(alice: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    why = f"You get this because you own complaint {c.reference}."
    soon = assert_common_parts(deliver(one(c, ReminderKind.STEP_DUE_SOON)), why=why)
    overdue = assert_common_parts(deliver(one(c, ReminderKind.STEP_OVERDUE)), why=why)
    assert (soon["about"], soon["what"]) == (f"Complaint {c.reference}", "Apologize is due soon")
    assert overdue["what"] == "Apologize is overdue"


def test_the_follow_up_reminder_has_the_same_parts(alice: Any) -> None:
    c = at_follow_up(alice)
    message = deliver(one(c, ReminderKind.FOLLOW_UP_DUE))
    match = assert_common_parts(message, why=f"You get this because you own complaint {c.reference}.")
    assert match["about"] == f"Complaint {c.reference}"


def test_the_managers_escalation_says_why_managers_get_it(alice: Any, maria: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    message = deliver(one(c, ReminderKind.ESCALATION))
    match = assert_common_parts(
        message, why=f"You get this because you are a manager and complaint {c.reference} is still overdue."
    )
    assert match["what"] == "Apologize is still overdue, escalated to managers"


def test_the_customers_emails_say_they_agreed_to_be_contacted(alice: Any) -> None:
    c = at_follow_up(alice)
    why = f"You get this because you agreed that we may contact you about your complaint {c.reference}."
    ack = assert_common_parts(deliver(one(c, ReminderKind.ACKNOWLEDGEMENT)), why=why)
    survey = assert_common_parts(deliver(one(c, ReminderKind.CUSTOMER_SURVEY)), why=why)
    assert (ack["about"], ack["what"]) == (f"Complaint {c.reference}", "we have your complaint")
    assert survey["what"] == "how did we do?"
    # Signed by the organisation, not by a product name the customer never heard of.
    assert f"The customer care team at {ORG}" in mail.outbox[0].body


def test_the_new_owners_notices_have_the_same_parts(alice: Any, bob: Any, maria: Any, customer: Any) -> None:
    c = complaint_assign(complaint=log_complaint(user=alice, customer=customer), user=alice, to=bob)
    handed = assert_common_parts(
        deliver(one(c, ReminderKind.ASSIGNED)), why=f"You get this because complaint {c.reference} was handed to you."
    )
    c = complaint_escalate(complaint=c, user=bob, to=maria, reason="Wants a manager")
    escalated = assert_common_parts(
        deliver(one(c, ReminderKind.ESCALATED)),
        why=f"You get this because complaint {c.reference} was escalated to you.",
    )
    assert (handed["what"], escalated["what"]) == ("handed to you", "escalated to you")


def test_the_digest_has_the_same_parts(maria: Any) -> None:
    day = timezone.localdate()
    with time_machine.travel(timezone.now(), tick=False):
        content = digest.digest_content(day=day)
        message = digest.digest_message(content, digest=ManagerDigest(pk=1, recipient=maria, day=day))
    match = assert_common_parts(
        message, why="You get this because you are a manager: CareDesk sends each manager this digest every morning."
    )
    assert match["about"].startswith("Daily digest for ")
    assert match["what"] == "0 overdue, 0 escalations"


def test_the_subject_pattern_is_defined_once() -> None:
    from common.emails import email_subject

    assert email_subject(about="Complaint C-000001", what="we have your complaint") == (
        f"[{ORG}] Complaint C-000001: we have your complaint"
    )


def test_an_unsafe_organisation_name_refuses_to_start(tmp_path: Any) -> None:
    from tests.helpers.subprocesses import load_settings

    result = load_settings(tmp_path, ORGANISATION_NAME="Acme\nBcc: everyone@example.org")
    assert result.returncode != 0
    assert "ORGANISATION_NAME" in result.stderr


def test_the_sender_is_composed_from_the_organisation_and_its_address(tmp_path: Any) -> None:
    from tests.helpers.subprocesses import run_python

    probe = "import django; django.setup(); from django.conf import settings as s; print(s.DEFAULT_FROM_EMAIL)"
    result = run_python(
        tmp_path, "-c", probe, ORGANISATION_NAME="Zoë's Shop, Ltd", EMAIL_FROM_ADDRESS="care@zoe.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '"Zoë\'s Shop, Ltd" <care@zoe.example>'


def test_a_bad_from_address_refuses_to_start(tmp_path: Any) -> None:
    from tests.helpers.subprocesses import load_settings

    result = load_settings(tmp_path, EMAIL_FROM_ADDRESS="not an address")
    assert result.returncode != 0
    assert "EMAIL_FROM_ADDRESS" in result.stderr


def test_the_old_single_sender_setting_is_refused_with_what_to_set_instead(tmp_path: Any) -> None:
    from tests.helpers.subprocesses import load_settings

    result = load_settings(tmp_path, DEFAULT_FROM_EMAIL="Acme <care@acme.example>")
    assert result.returncode != 0
    assert "ORGANISATION_NAME" in result.stderr
    assert "EMAIL_FROM_ADDRESS" in result.stderr


def test_the_deploy_check_warns_about_the_placeholder_sender(tmp_path: Any) -> None:
    from tests.helpers.subprocesses import run_python

    env = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "caredesk.example.com"}
    placeholder = run_python(tmp_path, "manage.py", "check", "--deploy", **env)
    assert "caredesk.W002" in placeholder.stdout + placeholder.stderr
    real = run_python(tmp_path, "manage.py", "check", "--deploy", EMAIL_FROM_ADDRESS="care@acme.example", **env)
    assert "caredesk.W002" not in real.stdout + real.stderr


# --- what the emails promise: never a time that has passed ---------------------------------------


def ack_of(c: Any, *, at: Any = None) -> str:
    """Deliver the complaint's acknowledgement (at `at`, as a late worker would) and return its text."""
    reminder = one(c, ReminderKind.ACKNOWLEDGEMENT)
    if at is None:
        return str(deliver(reminder).body)
    with time_machine.travel(at, tick=False):
        return str(deliver(reminder).body)


def test_the_acknowledgement_promises_the_apology_time_while_it_is_ahead(alice: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    due = timezone.localtime(c.step_due_at)
    text = ack_of(c)
    if due.date() == timezone.localdate():
        assert f"will be in touch by {due:%H:%M} today" in text
    else:
        assert f"will be in touch by {due.day} {due:%B %Y, %H:%M}" in text


def test_an_acknowledgement_sent_after_the_apology_time_promises_no_past_time(alice: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    due = timezone.localtime(c.step_due_at)
    text = ack_of(c, at=c.step_due_at + timedelta(hours=1))  # the worker was down for a while
    assert "will be in touch as soon as possible" in text
    assert f"{due:%H:%M}" not in text


def test_a_back_dated_complaint_is_not_promised_a_day_that_has_passed(alice: Any, customer: Any) -> None:
    received = timezone.now() - timedelta(days=7)
    c = log_complaint(user=alice, customer=customer, received_at=received, channel="letter")
    text = ack_of(c)
    promise = text[text.index("What happens next") :].split("\n")[0]
    past = timezone.localtime(received + timedelta(hours=4))
    assert f"{past.day} {past:%B %Y}" not in promise
    if c.step_due_at <= timezone.now():
        assert "as soon as possible" in promise


def test_an_acknowledgement_after_the_apology_was_made_promises_no_time(alice: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    complaint_apologize(complaint=c, user=alice)
    text = ack_of(c)
    promise = text[text.index("What happens next") :].split("\n")[0]
    assert "will be in touch by" not in promise
    assert "as soon as possible" not in promise


def test_the_follow_up_reminder_on_its_day_says_today(alice: Any) -> None:
    c = at_follow_up(alice)
    message = deliver(one(c, ReminderKind.FOLLOW_UP_DUE))
    assert "Today is the follow-up day" in message.body
    assert message.subject.endswith(": the follow-up is due today")


def test_a_late_follow_up_reminder_says_when_it_was_due_not_today(alice: Any) -> None:
    c = at_follow_up(alice)
    reminder = one(c, ReminderKind.FOLLOW_UP_DUE)
    due = timezone.localtime(reminder.due_at)
    with time_machine.travel(reminder.due_at + timedelta(days=3), tick=False):
        message = deliver(reminder)
    html = str(message.alternatives[0][0])
    for part in (message.body, html):
        assert "today" not in part.lower()
        assert f"was due on {due:%a} {due.day} {due:%B %Y}" in part
    assert message.subject.endswith(f": the follow-up was due on {due:%a} {due.day} {due:%b}")


def test_a_due_soon_reminder_sent_after_the_step_fell_due_is_cancelled_not_sent(alice: Any, customer: Any) -> None:
    """A worker that was down past the due time must not tell the owner a step is "due soon" at a time that
    has passed: the overdue reminder, due at that time, says what is true now."""
    c = log_complaint(user=alice, customer=customer)
    due_soon = one(c, ReminderKind.STEP_DUE_SOON)
    with time_machine.travel(c.step_due_at + timedelta(minutes=5), tick=False):
        sending.reminders_claim_due(enqueue=lambda pk, attempt: None)
        due_soon.refresh_from_db()
        mail.outbox.clear()
        assert sending.reminder_deliver(reminder_id=due_soon.pk, attempt=due_soon.attempts) == "cancelled"
    assert mail.outbox == []
    due_soon.refresh_from_db()
    assert due_soon.status == ReminderStatus.CANCELLED
    assert one(c, ReminderKind.STEP_OVERDUE).status == ReminderStatus.CLAIMED  # claimed in the same scan


def test_a_due_soon_reminder_in_time_is_sent(alice: Any, customer: Any) -> None:
    c = log_complaint(user=alice, customer=customer)
    message = deliver(one(c, ReminderKind.STEP_DUE_SOON))
    assert c.reference in message.subject
