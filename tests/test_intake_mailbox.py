"""Complaints by email, against a real IMAP server (Dovecot, `tests/helpers/fixtures_dovecot.py`) and PostgreSQL.

Each test delivers messages into the test mailbox, runs `mailbox_poll` as beat would, and asserts on
what is stored (complaints, timeline events, `InboundEmail` rows, reminders) and on the flags the
server keeps: a message is \\Seen only once the database holds what it became.
"""

from __future__ import annotations

import logging
import os
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

import intake.mailbox
from customers.models import Customer
from intake.inbound import CUT_NOTE
from intake.mail import header_block_message_id, html_to_text, parse, strip_quoted
from intake.mailbox import MailboxSettings, mailbox_poll, mailbox_settings
from intake.models import InboundEmail, InboundOutcome
from recovery.models import (
    DESCRIPTION_MAX,
    Complaint,
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    Stage,
    format_reference,
)
from recovery.notifications import sending
from recovery.notifications.customer import complaint_from_message_id, customer_message_id
from recovery.workflow import complaint_take
from tests.factories import CustomerFactory
from tests.helpers.fixtures_dovecot import Dovecot
from tests.helpers.workflow import closed

pytestmark = pytest.mark.django_db

SEEN, FLAGGED = "\\Seen", "\\Flagged"
PAT = "Pat Public <pat@example.org>"
STORY = "My vase arrived smashed. The box was crushed on one side."


def email_bytes(
    *,
    sender: str = PAT,
    subject: str = "Broken vase",
    body: str = STORY,
    message_id: str | None = None,
    html: str | None = None,
    attachment: tuple[str, bytes] | None = None,
    extra: dict[str, str] | None = None,
    **headers: str,
) -> bytes:
    """Return a message as a mail server would file it (CRLF line ends)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "intake@caredesk.test"
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    if message_id != "":
        message["Message-ID"] = message_id or make_msgid(domain="example.org")
    for name, value in {**(extra or {}), **headers}.items():
        message[name.replace("_", "-")] = value
    if html is None:
        message.set_content(body)
    else:
        message.set_content(html, subtype="html")
    if attachment is not None:
        message.add_attachment(attachment[1], maintype="image", subtype="jpeg", filename=attachment[0])
    return message.as_bytes(policy=policy.SMTP)


@pytest.fixture
def mailbox(settings: Any, dovecot: Dovecot, starter_data: None) -> Dovecot:
    """The test Dovecot as the intake mailbox (plain IMAP on loopback), empty."""
    settings.INTAKE_IMAP_URL = ""
    settings.INTAKE_IMAP_HOST = dovecot.host
    settings.INTAKE_IMAP_PORT = dovecot.port
    settings.INTAKE_IMAP_USER = dovecot.user
    settings.INTAKE_IMAP_PASSWORD = dovecot.password
    settings.INTAKE_IMAP_FOLDER = dovecot.folder
    settings.INTAKE_IMAP_SSL = False
    return dovecot


def _only_complaint() -> Complaint:
    [complaint] = Complaint.objects.select_related("customer")
    return complaint


def test_nothing_is_read_when_no_mailbox_is_set(settings: Any) -> None:
    settings.INTAKE_IMAP_URL = ""
    settings.INTAKE_IMAP_HOST = ""
    assert mailbox_poll() == 0
    assert not InboundEmail.objects.exists()


def test_the_mailbox_is_named_by_one_url_or_by_its_parts(settings: Any) -> None:
    settings.INTAKE_IMAP_URL = "imaps://intake%40acme.example:p%2Fss%40word@imap.acme.example/Complaints"
    config = mailbox_settings()
    assert config == MailboxSettings(
        host="imap.acme.example",
        port=993,
        user="intake@acme.example",
        password="p/ss@word",
        folder="Complaints",
        ssl=True,
    )
    settings.INTAKE_IMAP_URL = "imap://intake:secret@imap.acme.example/INBOX"
    with pytest.raises(ImproperlyConfigured, match="in clear"):
        mailbox_settings()
    settings.INTAKE_IMAP_URL = "https://imap.acme.example/"
    with pytest.raises(ImproperlyConfigured):
        mailbox_settings()


def test_a_plain_imap_url_reads_the_local_test_server(mailbox: Dovecot, settings: Any) -> None:
    user = quote(mailbox.user, safe="")
    settings.INTAKE_IMAP_URL = f"imap://{user}:{mailbox.password}@{mailbox.host}:{mailbox.port}/INBOX"
    settings.INTAKE_IMAP_HOST = ""
    mailbox.append(email_bytes())
    assert mailbox_poll() == 1
    assert _only_complaint().channel == "email"


def test_one_run_reads_at_most_a_batch_oldest_first(mailbox: Dovecot, settings: Any) -> None:
    settings.INTAKE_BATCH_SIZE = 1
    mailbox.append(email_bytes(subject="First"))
    mailbox.append(email_bytes(subject="Second"))
    assert mailbox_poll() == 1
    assert _only_complaint().summary == "First"
    assert mailbox.flags() == [{SEEN}, set()]
    assert mailbox_poll() == 1
    assert Complaint.objects.count() == 2


def test_a_new_message_becomes_an_unowned_email_complaint_and_is_marked_seen(mailbox: Dovecot) -> None:
    mailbox.append(email_bytes(message_id="<first@example.org>"))
    assert mailbox.flags() == [set()]

    assert mailbox_poll() == 1

    complaint = _only_complaint()
    assert complaint.channel == "email"
    assert complaint.owner is None
    assert complaint.stage == Stage.APOLOGIZE
    assert complaint.summary == "Broken vase"
    assert complaint.description == STORY
    assert (complaint.customer.name, complaint.customer.email) == ("Pat Public", "pat@example.org")
    assert complaint.customer.consents_to_contact is True
    logged = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.LOGGED)
    assert logged.payload["message_id"] == "<first@example.org>"
    assert logged.payload["attachments"] == []
    row = InboundEmail.objects.get()
    assert (row.message_id, row.outcome, row.complaint_id) == ("<first@example.org>", "complaint", complaint.pk)
    assert row.size > 0
    assert mailbox.flags() == [{SEEN}]
    # The customer is acknowledged as for any complaint.
    assert Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT).exists()
    assert mailbox_poll() == 0


def test_a_sender_on_file_is_that_customer(mailbox: Dovecot) -> None:
    known = cast(Customer, CustomerFactory(name="Patricia Public", email="pat@example.org"))
    mailbox.append(email_bytes(sender="PAT@Example.org"))
    mailbox_poll()
    assert _only_complaint().customer_id == known.pk
    assert Customer.objects.count() == 1


def test_the_same_message_delivered_twice_makes_one_complaint(mailbox: Dovecot) -> None:
    mailbox.append(email_bytes(message_id="<twice@example.org>"))
    mailbox.append(email_bytes(message_id="<twice@example.org>"))
    # Without a Message-ID the same headers give the same stand-in, so a copy is still recognised.
    without = email_bytes(message_id="", subject="No id")
    mailbox.append(without)
    mailbox.append(without)

    assert mailbox_poll() == 4

    assert Complaint.objects.count() == 2
    assert InboundEmail.objects.count() == 2
    assert InboundEmail.objects.filter(message_id__startswith="sha256:").count() == 1
    assert mailbox.flags() == [{SEEN}] * 4


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_commit_and_marking_reads_the_message_once(
    mailbox: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_committed: list[bool] = []

    def dies(*args: Any, **kwargs: Any) -> None:
        # What is stored is committed by now: the process dies before the server hears of it.
        seen_committed.append(not connection.in_atomic_block and InboundEmail.objects.exists())
        raise SystemExit("killed")

    mailbox.append(email_bytes(message_id="<crash@example.org>"))
    monkeypatch.setattr(intake.mailbox, "message_mark_read", dies)
    with pytest.raises(SystemExit):
        mailbox_poll()
    assert seen_committed == [True]
    assert Complaint.objects.count() == 1
    assert mailbox.flags() == [set()]

    monkeypatch.undo()
    assert mailbox_poll() == 1

    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.get().outcome == InboundOutcome.COMPLAINT
    assert mailbox.flags() == [{SEEN}]


def test_a_reply_naming_the_reference_from_the_customer_goes_on_the_timeline_and_tells_the_owner(
    mailbox: Dovecot, alice: Any
) -> None:
    mailbox.append(email_bytes())
    mailbox_poll()
    complaint = _only_complaint()
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    reply = "Any news on my refund?\n\nOn Mon, 1 Dec 2025, Acme wrote:\n> We are sorry.\n> Acme"
    subject = f"Re: [Acme] Complaint {format_reference(complaint.pk)}: we are on it"
    mailbox.append(email_bytes(sender="Pat <Pat@Example.org>", subject=subject, body=reply))

    assert mailbox_poll() == 1

    assert Complaint.objects.count() == 1
    event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.CUSTOMER_WROTE)
    assert event.payload["text"] == "Any news on my refund?"
    assert event.payload["via"] == "email"
    assert event.payload["subject"] == subject
    assert event.actor is None
    notice = Reminder.objects.get(complaint=complaint, kind=ReminderKind.CUSTOMER_WROTE)
    assert (notice.recipient_id, notice.event_id) == (alice.pk, event.pk)
    row = InboundEmail.objects.get(outcome=InboundOutcome.REPLY)
    assert row.complaint_id == complaint.pk
    assert mailbox.flags() == [{SEEN}, {SEEN}]


def _send_due(capture: Any) -> None:
    """Send every email due now through the real sending loop (into Django's test outbox)."""
    claimed: list[tuple[int, int]] = []
    with capture(execute=True):
        sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    for pk, attempt in claimed:
        assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "sent"


def test_a_reply_to_our_email_threads_by_its_message_id_even_when_closed(
    mailbox: Dovecot, mailoutbox: Any, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    mailbox.append(email_bytes())
    mailbox_poll()
    complaint = _only_complaint()
    _send_due(django_capture_on_commit_callbacks)
    ack = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    [email] = mailoutbox
    our_id = email.message()["Message-ID"]
    assert our_id == customer_message_id(complaint.pk, ack.pk)
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    assert closed(complaint, alice).stage == Stage.CLOSED

    photo = ("receipt.jpg", b"\xff\xd8" * 1000)
    mailbox.append(
        email_bytes(subject="Re: thanks", body="Thank you!", attachment=photo, In_Reply_To=our_id, References=our_id)
    )
    mailbox_poll()

    assert Complaint.objects.count() == 1
    event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.CUSTOMER_WROTE)
    assert event.payload["text"] == "Thank you!"
    assert event.payload["attachments"] == [{"name": "receipt.jpg", "size": 2000}]
    assert Reminder.objects.get(kind=ReminderKind.CUSTOMER_WROTE).recipient_id == alice.pk


def test_only_emails_to_the_customer_carry_our_message_id(
    mailbox: Dovecot, mailoutbox: Any, django_capture_on_commit_callbacks: Any, alice: Any, maria: Any
) -> None:
    mailbox.append(email_bytes())
    mailbox_poll()
    complaint = _only_complaint()
    # A manager gives it to alice: she is told by email, as the customer is acknowledged.
    complaint_take(complaint=complaint, user=maria, to=alice, category=complaint.category, severity=complaint.severity)
    _send_due(django_capture_on_commit_callbacks)
    kinds = {int(m.extra_headers["X-CareDesk-Reminder"]): m.message()["Message-ID"] for m in mailoutbox}
    by_kind = {Reminder.objects.get(pk=pk).kind: value for pk, value in kinds.items()}
    assert complaint_from_message_id(by_kind.pop(ReminderKind.ACKNOWLEDGEMENT)) == complaint.pk
    assert by_kind, "an email to staff was sent too"
    assert all(complaint_from_message_id(value) is None for value in by_kind.values())


def test_a_stranger_naming_someone_elses_reference_files_a_new_complaint(mailbox: Dovecot) -> None:
    mailbox.append(email_bytes())
    mailbox_poll()
    pats = _only_complaint()
    subject = f"Re: Complaint {format_reference(pats.pk)}"
    mailbox.append(email_bytes(sender="Mallory <mallory@example.net>", subject=subject, body="Refund me instead."))
    # A made-up Message-ID of ours does not thread either.
    forged = f"<caredesk.{pats.pk}.1.{'A' * 43}@localhost>"
    mailbox.append(email_bytes(sender="mallory@example.net", subject="Re: x", body="Me too.", In_Reply_To=forged))

    mailbox_poll()

    assert not ComplaintEvent.objects.filter(kind=EventKind.CUSTOMER_WROTE).exists()
    assert Complaint.objects.count() == 3
    assert set(Complaint.objects.exclude(pk=pats.pk).values_list("customer__email", flat=True)) == {
        "mallory@example.net"
    }


@pytest.mark.parametrize(
    ("sender", "headers", "why"),
    [
        (PAT, {"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
        (PAT, {"Precedence": "bulk"}, "Precedence: bulk"),
        (PAT, {"X_Autoreply": "yes"}, "X-Autoreply"),
        (PAT, {"Return_Path": "<>"}, "Return-Path"),
        ("Mail Delivery System <MAILER-DAEMON@mx.example.org>", {}, "MAILER-DAEMON"),
        ("OURS", {}, "our own"),
        ("intake@caredesk.test", {}, "our own"),
    ],
)
def test_automatic_mail_and_our_own_are_ignored(
    mailbox: Dovecot, settings: Any, sender: str, headers: dict[str, str], why: str
) -> None:
    sender = settings.DEFAULT_FROM_EMAIL if sender == "OURS" else sender
    mailbox.append(email_bytes(sender=sender, extra=headers))
    assert mailbox_poll() == 1
    assert not Complaint.objects.exists()
    row = InboundEmail.objects.get()
    assert row.outcome == InboundOutcome.IGNORED
    assert why in row.reason
    assert mailbox.flags() == [{SEEN}]


def test_an_auto_reply_without_a_sender_is_ignored_not_flagged(mailbox: Dovecot) -> None:
    mailbox.append(b"From: <>\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n")
    mailbox_poll()
    assert InboundEmail.objects.get().outcome == InboundOutcome.IGNORED
    assert mailbox.flags() == [{SEEN}]


def test_a_delivery_report_is_ignored(mailbox: Dovecot) -> None:
    report = (
        b"From: Mail Delivery System <bounces@mx.example.org>\r\nTo: caredesk@localhost\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce@mx.example.org>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    mailbox.append(report)
    mailbox_poll()
    assert not Complaint.objects.exists()
    assert InboundEmail.objects.get().reason.startswith("bounce or delivery report")


def test_html_only_mail_becomes_safe_text(mailbox: Dovecot) -> None:
    html = (
        "<html><head><title>Hi</title><style>p { color: red }</style></head><body>"
        "<p>The <b>handle</b> broke &amp; cut me.</p><script>alert('x')</script>"
        '<div>Please <a href="https://evil.example/">call</a> me.</div></body></html>'
    )
    mailbox.append(email_bytes(html=html, subject=""))
    mailbox_poll()
    complaint = _only_complaint()
    assert complaint.description == "The handle broke & cut me.\nPlease call me."
    assert complaint.summary == "The handle broke & cut me."


def test_a_10_mb_attachment_is_listed_by_name_and_size_not_stored(mailbox: Dovecot) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = PAT, "intake@caredesk.test", "Photos of the damage"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content("Scans attached.")
    scan = os.urandom(10 * 1024 * 1024)
    message.add_attachment(scan, maintype="application", subtype="pdf", filename="scan.pdf")
    mailbox.append(message.as_bytes(policy=policy.SMTP))

    assert mailbox_poll() == 1

    complaint = _only_complaint()
    assert complaint.description == "Scans attached.\n\nAttachments (not stored):\n- scan.pdf (10.0 MB)"
    logged = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.LOGGED)
    assert logged.payload["attachments"] == [{"name": "scan.pdf", "size": len(scan)}]
    assert InboundEmail.objects.get().size > len(scan)
    assert mailbox.flags() == [{SEEN}]


def test_a_malformed_message_is_logged_and_recorded_and_the_next_one_still_read(
    mailbox: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    mailbox.append(b"Message-ID: <bad@example.org>\r\nSubject: secret stuff\r\n\r\n\xff\xfe no sender at all\r\n")
    mailbox.append(email_bytes())

    with caplog.at_level(logging.WARNING, logger="intake.mailbox"):
        assert mailbox_poll() == 2

    assert _only_complaint().customer.email == "pat@example.org"
    bad = InboundEmail.objects.get(outcome=InboundOutcome.UNREADABLE)
    assert bad.message_id == "<bad@example.org>"
    assert bad.complaint is None
    assert "sender" in bad.reason
    assert "<bad@example.org>" in caplog.text
    assert "secret" not in caplog.text
    assert mailbox.flags() == [{SEEN, FLAGGED}, {SEEN}]


def test_a_message_over_the_limit_is_left_for_a_person(mailbox: Dovecot, settings: Any) -> None:
    settings.INTAKE_MAX_MESSAGE_BYTES = 4096
    mailbox.append(email_bytes(body="Long story. " * 1000, message_id="<big@example.org>"))
    mailbox.append(email_bytes(subject="Short"))

    assert mailbox_poll() == 2

    assert _only_complaint().summary == "Short"
    big = InboundEmail.objects.get(message_id="<big@example.org>")
    assert big.outcome == InboundOutcome.UNREADABLE
    assert "too large" in big.reason
    assert big.size > 4096
    assert mailbox.flags() == [{SEEN, FLAGGED}, {SEEN}]
    assert mailbox_poll() == 0

    # A person raises the limit and marks it unread: it is read now, once.
    settings.INTAKE_MAX_MESSAGE_BYTES = 1024 * 1024
    imap = mailbox.client()
    imap.store("1", "-FLAGS", "(\\Seen)")  # the first message, by sequence number
    imap.logout()
    assert mailbox_poll() == 1
    assert InboundEmail.objects.get(message_id="<big@example.org>").outcome == InboundOutcome.COMPLAINT
    assert Complaint.objects.count() == 2


def test_a_long_message_is_cut_with_a_note(mailbox: Dovecot) -> None:
    mailbox.append(email_bytes(body="word " * 4000))
    mailbox_poll()
    description = _only_complaint().description
    assert len(description) <= DESCRIPTION_MAX
    assert description.endswith(CUT_NOTE.strip())


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        ("Thanks!\n\nOn Mon, 1 Dec 2025 at 10:00, Acme <a@acme.example> wrote:\n> Hello\n>\n> Acme", "Thanks!"),
        ("Thanks!\n\nOn Mon, 1 Dec 2025 at 10:00, Acme\n<a@acme.example> wrote:\n> Hello", "Thanks!"),
        ("> You said it was late\nIt was.\n> And broken\nYes.", "> You said it was late\nIt was.\n> And broken\nYes."),
        ("> only a quote", "> only a quote"),
        ("No quote at all.\nOn Monday I wrote:", "No quote at all.\nOn Monday I wrote:"),
    ],
)
def test_only_a_trailing_quote_is_taken_off_a_reply(reply: str, kept: str) -> None:
    assert strip_quoted(reply) == kept


def test_html_becomes_text_without_tags_or_script() -> None:
    text = html_to_text("<p>A&nbsp;<i>b</i></p><script>x()</script><ul><li>one</li><li>two</li></ul>")
    assert text == "A\xa0b\none\ntwo"


def test_a_message_without_message_id_is_named_by_its_headers() -> None:
    raw = email_bytes(message_id="")
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert parse(raw).message_id == header_block_message_id(head)
    assert header_block_message_id(head).startswith("sha256:")
    long_id = "<" + "x" * 1200 + "@example.org>"
    assert parse(email_bytes(message_id=long_id)).message_id.startswith("sha256:")


def test_our_message_ids_verify_and_forged_ones_do_not(settings: Any) -> None:
    value = customer_message_id(123, 456)
    assert value.startswith("<caredesk.123.456.")
    assert value.endswith("@localhost>")
    assert complaint_from_message_id(value) == 123
    assert complaint_from_message_id(value.replace(".123.", ".124.")) is None
    assert complaint_from_message_id(value.replace(".456.", ".457.")) is None
    head = value.rpartition(".")[0]
    assert complaint_from_message_id(f"{head}.{'x' * 43}@localhost>") is None
    assert complaint_from_message_id("<123@example.org>") is None
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-for-the-checks"
    assert complaint_from_message_id(value) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert complaint_from_message_id(value) == 123
