"""The customer's status page: the step in plain words, nothing of staff's, a message box, bad links, revoking a link,
and the link in the acknowledgement email."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, cast

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import Customer, CustomerGroup
from intake import status_links
from intake.models import StatusLink
from intake.services import public_complaint_submit
from intake.views.status import STAGE_WORDS
from recovery.models import Category, Complaint, ComplaintEvent, EventKind, Reminder, ReminderKind, Severity, Stage
from recovery.notifications import sending
from recovery.workflow import complaint_add_note, complaint_apologize, complaint_customer_wrote, complaint_take
from tests.factories import CustomerFactory, front_line_user, log_complaint
from tests.helpers.workflow import bring_to
from tests.smtp import SmtpServer
from tests.xss import PAYLOADS, assert_shown_escaped

pytestmark = pytest.mark.django_db

OWNER_NAME = ("Zebediah", "Quillfeather")
NOTE = "Internal: customer sounds litigious, keep it short"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """The rate-limit counters live in Redis and count per address: each test starts from zero."""
    cache.clear()


def filed(**overrides: Any) -> Complaint:
    data: dict[str, Any] = {
        "name": "Pat Public",
        "email": "pat@example.org",
        "phone": "",
        "group": CustomerGroup.END_USER,
        "what_happened": "My parcel arrived broken. The vase inside smashed.",
        "desired_remedy": "A replacement vase",
        "consents_to_contact": True,
    }
    data.update(overrides)
    return public_complaint_submit(**data)


def path_of(complaint: Complaint) -> str:
    return status_links.status_path(complaint)


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:500]
    return str(response.content.decode())


def stage_line(html: str) -> str:
    match = re.search(r'<p class="status-stage[^"]*">(.*?)</p>', html, re.S)
    assert match, "no stage sentence"
    return match.group(1).strip()


def owner() -> Any:
    first, last = OWNER_NAME
    return front_line_user(username="zq", first_name=first, last_name=last)


# --- what the page shows ----------------------------------------------------------------------------------


def test_the_page_shows_the_step_in_plain_words_and_follows_the_recovery(client: Client, starter_data: None) -> None:
    complaint = filed()
    path = path_of(complaint)

    html = page(client, path)
    assert complaint.reference in html
    assert stage_line(html) == "We have your complaint and will be in touch soon."
    assert "The person looking after your complaint will be in touch by" in html
    assert "We received it" in html
    assert "We apologised" not in html

    handler = owner()
    category = Category.objects.filter(is_active=True)[0]
    complaint = complaint_take(complaint=complaint, user=handler, category=category, severity=Severity.MEDIUM)
    complaint = complaint_apologize(complaint=complaint, user=handler, note="Called and said sorry")

    html = page(client, path)
    assert stage_line(html) == "We have apologised and are putting things right."
    assert "We apologised" in html
    assert "will be in touch by" not in html


@pytest.mark.parametrize("stage", [*STAGE_WORDS])
def test_every_stage_has_its_sentence(client: Client, alice: Any, stage: str) -> None:
    complaint = bring_to(log_complaint(user=alice), alice, stage)
    html = page(client, path_of(complaint))
    assert stage_line(html) == escape(STAGE_WORDS[Stage(stage)])
    if stage == Stage.CLOSED:
        assert "We closed it" in html
        assert "look at it again" in html
        # Outcome-neutral: nothing says whether staff think the customer was kept or lost.
        assert "retained" not in html.lower()
        assert "lost" not in html.lower()


def test_the_page_never_shows_staff_names_notes_or_what_staff_typed(client: Client, starter_data: None) -> None:
    complaint = filed()
    handler = owner()
    category = Category.objects.filter(is_active=True)[0]
    complaint = complaint_take(complaint=complaint, user=handler, category=category, severity=Severity.HIGH)
    complaint_add_note(complaint=complaint, user=handler, text=NOTE)
    complaint = complaint_apologize(complaint=complaint, user=handler, note="Apology by phone, very tense")

    html = page(client, path_of(complaint))

    for secret in (*OWNER_NAME, "zq", NOTE, "very tense", "Severity", "High", str(category)):
        assert secret not in html, secret
    # Nor the complaint's text and the customer's details (a customer on file may have been matched by address).
    assert "vase" not in html
    assert "Pat Public" not in html
    assert "pat@example.org" not in html


def test_an_employees_complaint_is_shown_to_the_link_holder(client: Client, starter_data: None) -> None:
    complaint = filed(group=CustomerGroup.EMPLOYEE)
    assert complaint.customer.group == CustomerGroup.EMPLOYEE
    html = page(client, path_of(complaint))
    assert complaint.reference in html


def test_the_page_is_kept_out_of_search_engines_and_caches(client: Client, starter_data: None) -> None:
    response = client.get(path_of(filed()))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


# --- the message box ------------------------------------------------------------------------------------


def test_a_message_lands_on_the_timeline_and_the_owner_is_told(client: Client, starter_data: None) -> None:
    complaint = filed()
    handler = owner()
    category = Category.objects.filter(is_active=True)[0]
    complaint = complaint_take(complaint=complaint, user=handler, category=category, severity=Severity.MEDIUM)
    path = path_of(complaint)

    sent = client.post(path, {"text": "The courier came back for the box today."})

    assert sent.status_code == 302
    assert sent["Location"] == path
    [event] = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE)
    assert event.actor is None
    assert event.payload["text"] == "The courier came back for the box today."
    assert event.payload["via"] == "status_page"
    assert Reminder.objects.filter(complaint=complaint, kind=ReminderKind.CUSTOMER_WROTE, recipient=handler).exists()
    html = page(client, path)
    assert "Thank you: we have your message" in html
    assert "The courier came back for the box today." in html
    assert "on this page" in html


def test_the_customers_email_replies_show_too_but_nothing_else_from_the_timeline(
    client: Client, starter_data: None
) -> None:
    complaint = filed()
    complaint_customer_wrote(complaint=complaint, text="Replying to your email: thanks.", via="email")
    html = page(client, path_of(complaint))
    assert "Replying to your email: thanks." in html
    assert "by email" in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please write your message before sending it."),
        ("\u200b ", "Please write your message before sending it."),
        ("kept " + "m" * 5_000, "Keep this to 5,000 characters"),
        ("kept\x07", "control characters"),
    ],
)
def test_a_bad_message_comes_back_with_the_reason_and_the_text_kept(
    client: Client, starter_data: None, text: str, message: str
) -> None:
    complaint = filed()
    response = client.post(path_of(complaint), {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert 'aria-invalid="true"' in html
    if text.startswith("kept"):
        assert "kept" in html
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_message_is_stored_as_typed_and_shown_escaped(
    client: Client, starter_data: None, payload: str
) -> None:
    complaint = filed()
    path = path_of(complaint)
    assert client.post(path, {"text": payload}).status_code == 302
    assert ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).payload["text"] == payload
    assert_shown_escaped(page(client, path), payload)


def test_messages_are_limited_per_link(client: Client, starter_data: None, settings: Any) -> None:
    complaint = filed()
    path = path_of(complaint)
    for n in range(10):
        assert client.post(path, {"text": f"Message {n}"}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 302

    limited = client.post(path, {"text": "One more, kept"}, REMOTE_ADDR="198.51.100.1")

    assert limited.status_code == 429
    html = limited.content.decode()
    assert "several messages in the last hour" in html
    assert "One more, kept" in html
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).count() == 10


def test_the_page_is_rate_limited_per_address(client: Client, starter_data: None, settings: Any) -> None:
    settings.STATUS_RATE_LIMIT = "3/m"
    complaint = filed()
    path = path_of(complaint)
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]

    limited = client.post(path, {"text": "Hello?"})

    assert limited.status_code == 429
    assert "Please wait a moment" in limited.content.decode()
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).exists()
    assert client.get(path, REMOTE_ADDR="192.0.2.7").status_code == 200


# --- links that do not work ------------------------------------------------------------------------------

BAD_TOKENS = {
    "nonsense": lambda: "nonsense",
    "very-long": lambda: "x" * 500,
    "bad-signature": lambda: "MQ:1tQ9aB:0000000000000000000000000000000000000000000",
    "unicode": lambda: "ünïcödé",
    "no-such-link": lambda: signing.dumps(10**9, salt=status_links.SALT),
    "not-a-link-id": lambda: signing.dumps("1", salt=status_links.SALT),
    "true": lambda: signing.dumps(True, salt=status_links.SALT),
    "other-salt": lambda: signing.dumps(1, salt="some.other.salt"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_an_invalid_or_forged_link_gets_a_friendly_404(client: Client, starter_data: None, case: str) -> None:
    complaint = filed()
    token = BAD_TOKENS[case]()
    path = reverse("status:status", args=[token])
    html = page(client, path, 404)
    assert "This link does not work" in html
    assert complaint.reference not in html
    assert client.post(path, {"text": "Hello"}).status_code == 404
    assert page(client, reverse("complain:received", args=[token]), 404)
    assert not ComplaintEvent.objects.filter(kind=EventKind.CUSTOMER_WROTE).exists()


def test_a_link_for_another_complaint_cannot_be_forged_from_a_real_one(client: Client, starter_data: None) -> None:
    mine, other = filed(), filed(email="other@example.org")
    token = status_links.status_token(status_links.status_link_for(mine))
    other_link = status_links.status_link_for(other)
    forged = f"{signing.b64_encode(str(other_link.pk).encode()).decode()}:{token.split(':', 1)[1]}"
    html = page(client, reverse("status:status", args=[forged]), 404)
    assert other.reference not in html


def test_an_expired_link_gets_a_friendly_410(client: Client, starter_data: None, settings: Any) -> None:
    settings.STATUS_LINK_DAYS = 30
    complaint = filed()
    path = path_of(complaint)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        html = page(client, path, 410)
        posted = client.post(path, {"text": "Still there?"})
    assert "This link has expired" in html
    assert complaint.reference not in html
    assert posted.status_code == 410
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).exists()


def test_an_erased_customers_link_leads_nowhere(client: Client, starter_data: None) -> None:
    complaint = filed()
    path = path_of(complaint)
    Customer.objects.filter(pk=complaint.customer_id).update(erased_at=timezone.now())
    assert "This link does not work" in page(client, path, 404)


# --- revoking a link --------------------------------------------------------------------------------------


def test_a_manager_revokes_a_link_and_it_gets_the_friendly_410(client: Client, maria: Any) -> None:
    complaint = filed()
    path = path_of(complaint)
    revoke = reverse("status_admin:revoke", args=[complaint.pk])
    client.force_login(maria)

    detail = page(client, complaint.get_absolute_url())
    assert "Customer&#x27;s status link" in detail
    assert revoke in detail
    ask = page(client, revoke)
    assert "A link is in force" in ask
    done = client.post(revoke)

    assert done.status_code == 302
    assert done["Location"] == complaint.get_absolute_url()
    link = StatusLink.objects.get(complaint=complaint)
    assert (link.revoked_by, link.revoked_at is not None) == (maria, True)
    assert "no longer works" in page(client, complaint.get_absolute_url())
    assert "Revoked links" in page(client, revoke)

    client.logout()
    html = page(client, path, 410)
    assert "This link no longer works" in html
    assert client.post(path, {"text": "Hello"}).status_code == 410
    # The next link made (the next email) works again.
    assert page(client, path_of(complaint))


def test_revoking_is_for_managers_only(client: Client, alice: Any, olivia: Any) -> None:
    complaint = filed()
    path_of(complaint)
    revoke = reverse("status_admin:revoke", args=[complaint.pk])
    client.force_login(alice)
    assert revoke not in page(client, complaint.get_absolute_url())
    for user in (alice, olivia):
        client.force_login(user)
        assert client.get(revoke).status_code == 403
        assert client.post(revoke).status_code == 403
    client.logout()
    assert client.post(revoke).status_code == 302  # to sign in
    assert not StatusLink.objects.filter(revoked_at__isnull=False).exists()


def test_revoking_with_no_link_in_force_says_so(client: Client, maria: Any) -> None:
    complaint = log_complaint(user=maria)
    client.force_login(maria)
    revoke = reverse("status_admin:revoke", args=[complaint.pk])
    assert "No link is in force" in page(client, revoke)
    client.post(revoke)
    assert "nothing to revoke" in page(client, complaint.get_absolute_url())


def test_a_manager_cannot_revoke_a_complaint_that_does_not_exist(client: Client, maria: Any) -> None:
    client.force_login(maria)
    assert client.post(reverse("status_admin:revoke", args=[10**9])).status_code == 404


# --- the acknowledgement email ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_email_carries_the_status_link(
    client: Client, starter_data: None, smtp: SmtpServer
) -> None:
    complaint = filed(name="Dana <Day>", email="dana@example.org")
    [row] = Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    claimed: list[tuple[int, int]] = []
    sending.reminders_claim_due(enqueue=lambda pk, attempt: claimed.append((pk, attempt)))
    [(pk, attempt)] = [(pk, attempt) for pk, attempt in claimed if pk == row.pk]

    assert sending.reminder_deliver(reminder_id=pk, attempt=attempt) == "sent"

    [received] = smtp.wait_for(1)
    text, html = received.part("text/plain"), received.part("text/html")
    assert complaint.reference in text
    match = re.search(r"Follow your complaint: (\S+)", text)
    assert match, text
    url = match.group(1)
    path = url[url.index("/status/") :]
    assert f'href="{url}"' in html
    status_page = page(client, path)
    assert complaint.reference in status_page
    assert stage_line(status_page) == "We have your complaint and will be in touch soon."


def test_an_acknowledgement_without_a_registered_link_says_nothing_of_one(
    starter_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recovery.notifications import acknowledgement, customer

    monkeypatch.setattr(customer, "_status_link", None)
    complaint = filed()
    row = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    context = acknowledgement.NOTICE.context(row, now=timezone.now())
    assert context["status_url"] == ""


def test_staff_logged_complaints_get_a_link_too(starter_data: None, alice: Any) -> None:
    complaint = log_complaint(user=alice, customer=cast(Customer, CustomerFactory(consents_to_contact=True)))
    from recovery.notifications import acknowledgement

    row = Reminder.objects.get(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    url = acknowledgement.NOTICE.context(row, now=timezone.now())["status_url"]
    assert "/status/" in url
    assert StatusLink.objects.filter(complaint=complaint, revoked_at__isnull=True).count() == 1
