"""A customer complains on a phone, with no account, and follows the complaint on its status page as staff act."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from recovery.models import Category, Complaint, ComplaintEvent, EventKind, Severity
from recovery.workflow import complaint_apologize, complaint_take
from tests.browser.accessibility import AxeAudit, OnlyThisServer
from tests.browser.helpers import alice, horizontal_overflow, wait_for_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
RECEIVED_URL = re.compile(r"/complain/received/[^/]+/$")
STATUS_URL = re.compile(r"/status/[^/]+/$")


@pytest.fixture(autouse=True)
def public_form_settings(settings: Any) -> None:
    """No minimum fill time (a script types faster than a person) and fresh rate-limit counters."""
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    cache.clear()


def fill_in(page: Page) -> None:
    page.get_by_label("Your name").fill("Dana Day")
    page.get_by_label("Email address").fill("dana@example.org")
    page.get_by_label("I use your products or services").check()
    page.get_by_label("What happened?").fill("The heater I bought on Monday stopped working after a day.")
    page.get_by_label("What would you like us to do about it?").fill("A working heater, please.")
    page.get_by_label("You may contact me about this complaint").check()


def stage(page: Page) -> Any:
    return page.locator(".status-stage")


def test_a_customer_files_on_a_phone_and_follows_the_complaint(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    phone = new_page(new_context(**PHONE))
    phone.goto("/complain/")
    expect(phone.get_by_role("heading", name="Tell us what went wrong")).to_be_visible()
    assert horizontal_overflow(phone) == 0
    # The honeypot is on the page for programs, not for people.
    expect(phone.locator("input[name=website]")).not_to_be_in_viewport()

    # Sent with nothing filled in: each question says what it needs, and the cursor is in the first.
    phone.get_by_role("button", name="Send my complaint").click()
    expect(phone.get_by_text("Please tell us your name.")).to_be_visible()
    expect(phone.get_by_text("Please give us an email address or a phone number")).to_be_visible()
    expect(phone.get_by_text("Please choose the one that describes you best.")).to_be_visible()
    expect(phone.get_by_label("Your name")).to_be_focused()
    assert not Complaint.objects.exists()

    fill_in(phone)
    phone.get_by_role("button", name="Send my complaint").click()
    wait_for_page(phone, RECEIVED_URL)

    complaint = Complaint.objects.get()
    assert complaint.owner is None
    expect(phone.get_by_role("heading", name="Thank you: we have your complaint")).to_be_visible()
    expect(phone.locator(".reference")).to_have_text(complaint.reference)
    expect(phone.get_by_text(re.compile(r"will be in touch by \d"))).to_be_visible()
    expect(phone.locator(".status-address")).to_contain_text("/status/")
    assert horizontal_overflow(phone) == 0

    phone.get_by_role("link", name="See your complaint's status").click()
    wait_for_page(phone, STATUS_URL)
    expect(phone.locator(".reference")).to_have_text(complaint.reference)
    expect(stage(phone)).to_have_text("We have your complaint and will be in touch soon.")
    assert horizontal_overflow(phone) == 0

    phone.get_by_label("Your message").fill("I am at home all week if that helps.")
    phone.get_by_role("button", name="Send my message").click()
    wait_for_page(phone, STATUS_URL)
    expect(phone.get_by_text("Thank you: we have your message")).to_be_visible()
    expect(phone.locator(".status-message")).to_contain_text("I am at home all week if that helps.")
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.CUSTOMER_WROTE).count() == 1

    # Staff take the complaint from the inbox and apologise; the customer reloads and sees where it stands now.
    handler = alice()
    category = Category.objects.filter(is_active=True)[0]
    complaint = complaint_take(complaint=complaint, user=handler, category=category, severity=Severity.MEDIUM)
    complaint_apologize(complaint=complaint, user=handler, note="Rang Dana and apologised.")
    phone.reload()
    expect(stage(phone)).to_have_text("We have apologised and are putting things right.")
    expect(phone.get_by_text("We apologised")).to_be_visible()
    expect(phone.get_by_text("Alice")).to_have_count(0)
    expect(phone.get_by_text("Rang Dana")).to_have_count(0)
    assert horizontal_overflow(phone) == 0


def test_the_public_pages_have_no_serious_violations_on_a_phone(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any, base_url: str, problems: Any
) -> None:
    problems.allow("status of 404")  # the mangled link, on purpose
    network = OnlyThisServer(base_url)
    page = network.watch(new_page(new_context(bypass_csp=True, **PHONE)))
    audit = AxeAudit()

    page.goto("/complain/")
    audit.check(page, "complaint form")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_text("Please tell us your name.")).to_be_visible()
    audit.check(page, "complaint form, sent empty")
    fill_in(page)
    page.get_by_role("button", name="Send my complaint").click()
    wait_for_page(page, RECEIVED_URL)
    audit.check(page, "complaint received")
    page.get_by_role("link", name="See your complaint's status").click()
    wait_for_page(page, STATUS_URL)
    audit.check(page, "status page")
    page.get_by_role("button", name="Send my message").click()
    expect(page.get_by_text("Please write your message before sending it.")).to_be_visible()
    audit.check(page, "status page, message sent empty")
    page.goto("/status/not-a-link/")
    audit.check(page, "status page, mangled link")

    audit.assert_clean(at_least=6)
    assert network.elsewhere == [], f"pages asked for something elsewhere: {network.elsewhere}"
