"""The log form's received time: out of the way when the complaint arrives now, one disclosure away when not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recovery.models import Complaint
from tests.browser.helpers import COMPLAINT_URL, alice, customer, sign_in, wait_for_page

pytestmark = pytest.mark.django_db(transaction=True)


def tabs_to(page: Page, name: str, *, limit: int = 15) -> int:
    """Press Tab until the button called `name` has the focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.tagName + ':' + document.activeElement.textContent.trim()")
        if focused == f"BUTTON:{name}":
            return presses
    raise AssertionError(f"“{name}” not reached in {limit} Tab presses")


def fill_complaint(page: Page) -> None:
    page.get_by_label("How it reached us").select_option(label="Letter")
    page.get_by_label("Category").select_option(label="Delivery")
    page.get_by_label("Summary").fill("The letter about the broken chair")
    page.get_by_label("Remedy the customer wants").fill("A new chair")


def test_from_the_remedy_to_the_button_is_two_tab_presses(live_server: Any, starter_data: None, new_page: Any) -> None:
    alice()
    someone = customer(name="Carla Customer")
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/complaints/new/?customer={someone.pk}")
    fill_complaint(page)
    page.get_by_label("Remedy the customer wants").focus()
    assert tabs_to(page, "Log complaint") <= 2  # the owner, then the button
    page.keyboard.press("Enter")
    wait_for_page(page, COMPLAINT_URL)
    complaint = Complaint.objects.get()
    assert timezone.now() - complaint.received_at < timedelta(minutes=2)  # received now, as the form said


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_an_earlier_received_time_is_one_disclosure_away(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any, javascript: bool
) -> None:
    alice()
    someone = customer(name="Carla Customer")
    page = new_page(new_context(java_script_enabled=javascript))
    sign_in(page, "alice")
    page.goto(f"/complaints/new/?customer={someone.pk}")
    fill_complaint(page)
    received = page.get_by_label("Received")
    expect(received).to_be_hidden()
    # The disclosure is a keyboard stop of its own: Enter opens it.
    disclosure = page.locator("summary").filter(has_text="Received earlier?")
    disclosure.focus()
    page.keyboard.press("Enter")
    expect(received).to_be_visible()
    earlier = timezone.localtime() - timedelta(days=2)
    received.fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Log complaint").click()
    wait_for_page(page, COMPLAINT_URL)
    assert Complaint.objects.get().received_at == earlier.replace(second=0, microsecond=0)


def test_a_refused_received_time_is_shown_open(live_server: Any, starter_data: None, new_page: Any) -> None:
    alice()
    someone = customer(name="Carla Customer")
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/complaints/new/?customer={someone.pk}")
    fill_complaint(page)
    page.locator("summary").filter(has_text="Received earlier?").click()
    in_three_days = timezone.localtime() + timedelta(days=3)
    page.get_by_label("Received").fill(in_three_days.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Log complaint").click()
    page.wait_for_load_state()
    received = page.get_by_label("Received")
    expect(received).to_be_visible()
    expect(received).to_be_focused()
    expect(page.locator("#id_received_at_error")).to_be_visible()  # the message, whatever its words
    assert not Complaint.objects.exists()
