"""Keyboard focus after a refusal: on the first field in error, or on the message, never back at the top."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from recovery.workflow import complaint_apologize
from tests.browser.helpers import alice, complaint_path, customer, next_step, settled, sign_in
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db(transaction=True)


def test_focus_goes_to_the_group_when_a_new_customer_has_none(
    live_server: Any, starter_data: None, new_page: Any
) -> None:
    alice()
    page = new_page()
    sign_in(page, "alice")
    page.goto("/complaints/new/")
    page.get_by_role("link", name="+ New customer").click()
    quick = page.get_by_role("group", name="New customer")
    settled(page)
    quick.get_by_label("Name").fill("Nadia Newcomer")
    quick.get_by_label("Name").press("Enter")  # no group chosen

    expect(quick.get_by_text("Choose one of the five groups.")).to_be_visible()
    settled(page)
    first_group = quick.get_by_role("radio", name="End-user")
    expect(first_group).to_be_focused()
    # From there the arrow keys choose a group, and Enter adds the customer.
    page.keyboard.press("ArrowDown")
    expect(quick.get_by_role("radio", name="Prospect")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("[data-chosen-customer]")).to_contain_text("Nadia Newcomer · Prospect")


def test_focus_goes_to_the_message_when_someone_else_changed_the_complaint(
    live_server: Any, starter_data: None, new_page: Any
) -> None:
    owner = alice()
    complaint = log_complaint(user=owner, customer=customer())
    page = new_page()
    sign_in(page, "alice")
    page.goto(complaint_path(complaint))
    step = next_step(page)
    step.get_by_label("How you apologised").fill("Said sorry at the counter.")
    complaint_apologize(complaint=complaint, user=owner, note="Said sorry on the phone.")  # someone else, first

    step.get_by_role("button", name="Record the apology").click()
    warning = step.get_by_role("alert")
    expect(warning).to_contain_text("Changed by someone else.")
    settled(page)
    expect(warning).to_be_focused()
    expect(warning).to_be_in_viewport()
    # Tab goes on into the form she was filling in, with her text kept.
    page.keyboard.press("Tab")
    expect(step.get_by_label("How you apologised")).to_be_focused()
    expect(step.get_by_label("How you apologised")).to_have_value("Said sorry at the counter.")


def test_focus_goes_to_the_message_when_a_page_reloads_after_a_change_by_someone_else(
    live_server: Any, starter_data: None, new_context: Any, new_page: Any
) -> None:
    """The same without JavaScript: the page comes back whole and its focus starts at the message."""
    owner = alice()
    complaint = log_complaint(user=owner, customer=customer())
    page = new_page(new_context(java_script_enabled=False))
    sign_in(page, "alice")
    page.goto(complaint_path(complaint))
    step = next_step(page)
    step.get_by_label("How you apologised").fill("Said sorry at the counter.")
    complaint_apologize(complaint=complaint, user=owner, note="Said sorry on the phone.")
    step.get_by_role("button", name="Record the apology").click()
    warning = step.get_by_role("alert")
    expect(warning).to_contain_text("Changed by someone else.")
    expect(warning).to_be_focused()
