"""The public complaint form (/complain/): filing, the page after it, bad input, spam and abuse refused and counted."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from customers.models import Customer, CustomerGroup
from intake.models import RefusalReason, RefusedSubmission
from intake.public_forms import form_stamp
from intake.services import PUBLIC_GROUPS
from recovery.models import Channel, Complaint, Reminder, ReminderKind, Stage
from recovery.notifications.acknowledgement import next_contact
from tests.factories import CustomerFactory
from tests.xss import PAYLOADS, assert_shown_escaped

pytestmark = pytest.mark.django_db

FORM = "/complain/"
WHAT_HAPPENED = "My parcel arrived broken. The box was crushed and the vase inside smashed."


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """The rate-limit counters live in Redis and count per address: each test starts from zero."""
    cache.clear()


def answers(**overrides: Any) -> dict[str, Any]:
    """What a person sends, with the form shown a minute ago; `consents_to_contact=None` leaves the box unticked."""
    data: dict[str, Any] = {
        "name": "Pat Public",
        "email": "pat@example.org",
        "phone": "",
        "group": CustomerGroup.END_USER,
        "what_happened": WHAT_HAPPENED,
        "desired_remedy": "A replacement vase",
        "consents_to_contact": "on",
        "website": "",
        "shown_at": form_stamp(now=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def refusals() -> dict[str, int]:
    return dict(RefusedSubmission.objects.values_list("reason", "count"))


def nothing_stored() -> None:
    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()


def token_of(location: str) -> str:
    match = re.fullmatch(r"/complain/received/([^/]+)/", location)
    assert match, location
    return match.group(1)


# --- the form ---------------------------------------------------------------------------------------------


def test_the_form_needs_no_sign_in_and_asks_in_plain_words(client: Client, starter_data: None) -> None:
    response = client.get(FORM)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tell us what went wrong" in html
    for label in ("Your name", "Email address", "Phone number", "What happened?", "What would you like us to do"):
        assert label in html
    for _, words in PUBLIC_GROUPS:
        assert escape(words) in html
    assert "I work here" in html
    assert 'autocomplete="name"' in html
    assert 'autocomplete="email"' in html
    assert 'type="tel"' in html
    assert 'autocomplete="tel"' in html
    assert 'inputmode="tel"' in html
    assert "we will not email you" in html
    # The honeypot: hidden from people and screen readers, out of the Tab order, never autofilled.
    honeypot = re.search(r'<div[^>]*class="hp-field"[^>]*>.*?</div>\s*</div>', html, re.S)
    assert honeypot, "no honeypot wrapper"
    assert 'aria-hidden="true"' in honeypot.group(0)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', html)
    assert re.search(r'<input[^>]*name="website"[^>]*autocomplete="off"', html)
    assert re.search(r'<input type="hidden" name="shown_at" value="[^"]+"', html)
    # No staff menu for a customer.
    assert "Sign out" not in html
    assert "Inbox" not in html


# --- filing -------------------------------------------------------------------------------------------------


def test_a_complaint_is_filed_unowned_into_the_inbox_and_the_page_after_shows_reference_and_apology_time(
    client: Client, starter_data: None
) -> None:
    # 09:00 local: the apology's due time falls later today under every severity's policy.
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo(django_settings.TIME_ZONE))
    with time_machine.travel(morning, tick=False):
        sent = client.post(FORM, answers(shown_at=form_stamp(now=time.time() - 30)))
        assert sent.status_code == 302
        complaint = Complaint.objects.get()
        assert sent["Location"].startswith("/complain/received/")
        page = client.get(sent["Location"])

    assert (complaint.owner, complaint.logged_by, complaint.channel) == (None, None, Channel.WEB)
    assert complaint.stage == Stage.APOLOGIZE
    assert complaint.description == WHAT_HAPPENED
    assert complaint.desired_remedy == "A replacement vase"
    assert complaint.customer.name == "Pat Public"
    assert complaint.customer.consents_to_contact
    [ack] = Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT)
    assert ack.recipient_email == "pat@example.org"

    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    html = page.content.decode()
    assert complaint.reference in html
    promise = next_contact(complaint, now=morning)
    assert re.search(r"in touch by \d\d:\d\d today", promise), promise
    assert promise[1:] in html
    assert "We are also sending you an email" in html
    token = token_of(sent["Location"])
    assert f'href="/status/{token}/"' in html
    assert f"http://testserver/status/{token}/" in html
    assert client.get(f"/status/{token}/").status_code == 200


def test_the_promise_names_the_day_when_the_apology_is_due_tomorrow_or_later(
    client: Client, starter_data: None
) -> None:
    late = datetime(2026, 12, 3, 23, 30, tzinfo=ZoneInfo(django_settings.TIME_ZONE))
    with time_machine.travel(late, tick=False):
        sent = client.post(FORM, answers(shown_at=form_stamp(now=time.time() - 30)))
        html = client.get(sent["Location"]).content.decode()
        complaint = Complaint.objects.get()
        promise = next_contact(complaint, now=late)
    assert re.search(r"in touch by \d{1,2} December 2026, \d\d:\d\d", promise), promise
    assert promise[1:] in html


def test_without_consent_nothing_is_emailed_and_the_page_does_not_say_it_will_be(
    client: Client, starter_data: None
) -> None:
    sent = client.post(FORM, answers(consents_to_contact=None))
    complaint = Complaint.objects.get()
    assert not complaint.customer_emails_enabled
    assert not Reminder.objects.filter(complaint=complaint, kind=ReminderKind.ACKNOWLEDGEMENT).exists()
    html = client.get(sent["Location"]).content.decode()
    assert "sending you an email" not in html
    assert "Follow your complaint" in html


def test_a_phone_number_alone_is_enough(client: Client, starter_data: None) -> None:
    sent = client.post(FORM, answers(email="", phone="07700 900348"))
    assert sent.status_code == 302
    assert Complaint.objects.get().customer.phone == "07700 900348"


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", "Please give us an email address or a phone number"),
        ({"name": ""}, "name", "Please tell us your name."),
        ({"name": "x" * 201}, "name", "Keep this to 200 characters (this is 201)."),
        ({"name": "Pat\nPublic"}, "name", "Keep this on one line."),
        ({"email": "not an address"}, "email", "Enter an email address like name@example.org"),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
        ({"phone": "0" * 41}, "phone", "Keep this to 40 characters (this is 41)."),
        ({"group": None}, "group", "Please choose the one that describes you best."),
        ({"group": "staff"}, "group", "Please choose one of the five answers."),
        ({"what_happened": ""}, "what_happened", "Please tell us what happened."),
        ({"what_happened": "\u200b\u200b"}, "what_happened", "Please tell us what happened."),
        ({"what_happened": "y" * 10_001}, "what_happened", "Keep this to 10,000 characters (this is 10001)."),
        ({"desired_remedy": "z" * 2_001}, "desired_remedy", "Keep this to 2,000 characters (this is 2001)."),
        ({"what_happened": "Broken\x1b[31m"}, "what_happened", "control characters"),
    ],
)
def test_bad_input_comes_back_with_the_reason_by_the_field_and_the_text_kept(
    client: Client, starter_data: None, change: dict[str, Any], field: str, message: str
) -> None:
    data = answers(**{"desired_remedy": "Kept remedy text", **change})
    response = client.post(FORM, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert escape(message) in html
    assert 'aria-invalid="true"' in html
    assert "autofocus" in html
    for key in ("name", "what_happened", "desired_remedy"):
        value = str(data.get(key, ""))
        if value and key != field:
            assert escape(value) in html, key
    nothing_stored()
    assert refusals() == {}


def test_a_form_sent_back_is_shown_with_a_fresh_stamp(client: Client, starter_data: None) -> None:
    sent_stamp = form_stamp(now=time.time() - 60)
    response = client.post(FORM, answers(name="", shown_at=sent_stamp))
    html = response.content.decode()
    assert sent_stamp not in html
    assert re.search(r'name="shown_at" value="[^"]+"', html)


# --- spam and abuse -------------------------------------------------------------------------------------


def test_a_filled_in_honeypot_is_refused_counted_and_nothing_stored(client: Client, starter_data: None) -> None:
    response = client.post(FORM, answers(website="http://spam.example/"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not accept this" in html
    assert "send it again" in html
    # A person caught by mistake keeps their text; the hidden box comes back empty.
    assert escape(WHAT_HAPPENED) in html
    assert "spam.example" not in html
    nothing_stored()
    assert refusals() == {RefusalReason.HONEYPOT: 1}
    client.post(FORM, answers(website="x"))
    assert refusals() == {RefusalReason.HONEYPOT: 2}


@pytest.mark.parametrize(
    "stamp",
    [
        pytest.param(lambda: form_stamp(), id="just-now"),
        pytest.param(lambda: form_stamp(now=time.time() - 1), id="one-second"),
        pytest.param(lambda: None, id="missing"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: "1700000000.000:1abcde:forgedsignature", id="forged"),
        pytest.param(lambda: form_stamp(now=time.time() - 60).replace(".", ",", 1), id="tampered"),
        pytest.param(lambda: form_stamp(now=time.time() - 60) + "x", id="changed-signature"),
    ],
)
def test_a_form_sent_too_fast_or_with_a_bad_stamp_is_refused_and_counted(
    client: Client, starter_data: None, stamp: Any
) -> None:
    response = client.post(FORM, answers(shown_at=stamp()))

    assert response.status_code == 400
    assert "We could not accept this" in response.content.decode()
    nothing_stored()
    assert refusals() == {RefusalReason.TOO_FAST: 1}


def test_the_minimum_time_is_a_setting(client: Client, starter_data: None, settings: Any) -> None:
    settings.PUBLIC_FORM_MIN_SECONDS = 120
    assert client.post(FORM, answers()).status_code == 400  # shown a minute ago: too fast now
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    assert client.post(FORM, answers(shown_at=form_stamp())).status_code == 302


def test_submissions_are_rate_limited_per_address_refused_politely_and_counted(
    client: Client, starter_data: None, settings: Any
) -> None:
    settings.PUBLIC_FORM_RATE_LIMIT = "2/h"
    sent = [client.post(FORM, answers(email=f"p{n}@example.org")).status_code for n in range(2)]
    assert sent == [302, 302]

    limited = client.post(FORM, answers(email="third@example.org"))

    assert limited.status_code == 429
    assert "Please try again later" in limited.content.decode()
    assert Complaint.objects.count() == 2
    assert not Customer.objects.filter(email="third@example.org").exists()
    assert refusals() == {RefusalReason.RATE_LIMITED: 1}
    # Looking at the form is not a submission; another address is not held back by this one.
    assert client.get(FORM).status_code == 200
    assert client.post(FORM, answers(email="other@example.org"), REMOTE_ADDR="192.0.2.7").status_code == 302


def test_a_payload_over_the_upload_limit_gets_a_friendly_page_and_nothing_is_stored(
    starter_data: None, settings: Any
) -> None:
    # A real browser's session: the CSRF check is on, and a huge body must not turn it into a bare 400.
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(FORM)
    token = page.context["csrf_token"]
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = browser.post(FORM, answers(what_happened=huge, csrfmiddlewaretoken=token))

    assert response.status_code == 413
    html = response.content.decode()
    assert "That was too much to send" in html
    assert "2.5 MB" in html
    nothing_stored()
    assert refusals() == {RefusalReason.TOO_LARGE: 1}


def test_too_many_fields_get_the_same_friendly_page(client: Client, starter_data: None, settings: Any) -> None:
    data = answers(**{f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
    response = client.post(FORM, data)
    assert response.status_code == 413
    nothing_stored()
    assert refusals() == {RefusalReason.TOO_LARGE: 1}


def test_a_broken_multipart_body_gets_a_friendly_page(client: Client, starter_data: None) -> None:
    # No boundary: Django's multipart parser cannot even start.
    response = client.generic("POST", FORM, b"--x\r\nnot a part", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "We could not read this" in response.content.decode()
    nothing_stored()
    assert refusals() == {RefusalReason.TOO_LARGE: 1}


def test_the_csrf_check_still_holds_for_an_ordinary_submission(starter_data: None) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get(FORM)
    assert browser.post(FORM, answers()).status_code == 403
    nothing_stored()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_stored_as_typed_and_shown_escaped(
    client: Client, starter_data: None, maria: Any, payload: str
) -> None:
    # Sent back for a missing address first: the form shows it escaped.
    again = client.post(FORM, answers(name=payload, what_happened=payload, desired_remedy=payload, email=""))
    assert again.status_code == 200
    assert_shown_escaped(again.content.decode(), payload)

    sent = client.post(FORM, answers(name=payload, what_happened=payload, desired_remedy=payload))
    assert sent.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.customer.name, complaint.description, complaint.desired_remedy) == (payload, payload, payload)
    client.force_login(maria)
    staff_page = client.get(reverse("recovery:complaint_detail", args=[complaint.pk])).content.decode()
    assert_shown_escaped(staff_page, payload)


# --- what the form never tells ------------------------------------------------------------------------------


def _anonymised(html: str, complaint: Complaint, token: str) -> str:
    html = html.replace(token, "<token>").replace(complaint.reference, "<reference>")
    # The CSRF token (in the form and in htmx's headers) is masked afresh for every page.
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", html)


def test_the_answer_is_the_same_whether_or_not_the_address_belongs_to_a_customer(
    client: Client, starter_data: None
) -> None:
    CustomerFactory(name="Known Customer", email="known@example.org", phone="01632 960001", consents_to_contact=True)
    pages = []
    for email in ("known@example.org", "unknown@example.org"):
        sent = client.post(FORM, answers(email=email, name="Someone Typing"))
        assert sent.status_code == 302
        complaint = Complaint.objects.filter(customer__email=email).get()
        token = token_of(sent["Location"])
        pages.append(_anonymised(client.get(sent["Location"]).content.decode(), complaint, token))
        status_page = client.get(f"/status/{token}/").content.decode()
        assert "Known Customer" not in status_page
        assert "01632" not in status_page
    assert pages[0] == pages[1]
    assert "Known Customer" not in pages[0]
    # The known address was matched (and nothing about the customer on file changed but nothing was said).
    assert Customer.objects.filter(email="known@example.org").count() == 1


def test_an_employees_complaint_stays_confidential(client: Client, alice: Any, maria: Any) -> None:
    sent = client.post(FORM, answers(group=CustomerGroup.EMPLOYEE, what_happened="My rota was changed again."))
    assert sent.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.customer.group == CustomerGroup.EMPLOYEE
    detail = reverse("recovery:complaint_detail", args=[complaint.pk])
    client.force_login(alice)
    assert client.get(detail).status_code == 404
    client.force_login(maria)
    assert client.get(detail).status_code == 200
    # The link holder (its author) still follows it.
    client.logout()
    assert client.get(f"/status/{token_of(sent['Location'])}/").status_code == 200


def test_a_bad_received_link_gets_the_friendly_page(client: Client, starter_data: None) -> None:
    response = client.get("/complain/received/nonsense/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_the_form_is_reachable_signed_in_too(client: Client, alice: Any) -> None:
    client.force_login(alice)
    assert client.get(FORM).status_code == 200
    assert client.post(FORM, answers()).status_code == 302
    assert timezone.now() >= Complaint.objects.get().received_at
