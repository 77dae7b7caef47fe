"""Every form of the app, sent empty in Chromium, shows each of its error messages, whatever the field's layout.

"Empty" means every field a person can change is cleared (text emptied, radio buttons and checkboxes
unticked, no option chosen in a list); a form with no required field also gets a negative number of
minutes, so it has something to refuse. Each message must be visible (Playwright's `is_visible()`), and
every input marked `aria-invalid` must point (itself or through its fieldset) at a visible message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from recovery import surveys
from recovery.models import Stage
from tests.browser.helpers import alice, complaint_path, customer, maria, next_step, settled, sign_in
from tests.factories import log_complaint
from tests.helpers.workflow import bring_to

pytestmark = pytest.mark.django_db(transaction=True)

# Clear what a person could change in a form (including inputs tied to it by their `form` attribute).
EMPTY_FORM = """form => {
  for (const el of form.elements) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button" || el.tagName === "FIELDSET") continue;
    if (el.type === "radio" || el.type === "checkbox") { el.checked = false; }
    else if (el.tagName === "SELECT") { el.selectedIndex = -1; }
    else { el.value = ""; }
  }
}"""

# For every input marked invalid: the ids of the error messages it, or the fieldset around it, points at.
INVALID_INPUTS = """() => [...document.querySelectorAll('[aria-invalid="true"]')].map(el => {
  const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/);
  const group = el.closest("fieldset, [role=group], [role=radiogroup]");
  if (group) { ids.push(...(group.getAttribute("aria-describedby") || "").split(/\\s+/)); }
  return {field: el.name || el.id, errors: ids.filter(id => id.includes("error"))};
})"""


def send_empty(form: Locator, button: str, *, minutes: str | None = None) -> None:
    """Clear the form, optionally type a refused number of minutes, and send it with its button."""
    form.evaluate(EMPTY_FORM)
    if minutes is not None:
        form.get_by_label("Minutes spent").fill(minutes)
    form.get_by_role("button", name=button).click()


def expect_errors_shown(page: Page, *messages: str) -> None:
    """Check each message is on the page and visible, and every invalid input points at a visible message."""
    for message in messages:
        found = page.get_by_text(message, exact=False)
        found.first.wait_for(state="attached")
        for element in found.all():
            assert element.is_visible(), f"“{message}” is on the page but cannot be seen"
    settled(page)
    for invalid in page.evaluate(INVALID_INPUTS):
        assert invalid["errors"], f"{invalid['field']} is marked invalid but points at no error message"
        for error_id in invalid["errors"]:
            assert page.locator(f"[id='{error_id}']").is_visible(), f"{invalid['field']}: #{error_id} is hidden"


def test_sign_in_log_and_customer_forms_show_every_error(live_server: Any, starter_data: None, new_page: Any) -> None:
    alice()
    someone = customer(name="Carla Customer")
    page = new_page()

    page.goto("/login/")
    send_empty(page.locator("form"), "Sign in")
    expect_errors_shown(page, "This field is required.")
    assert page.get_by_text("This field is required.").count() == 2
    sign_in(page, "alice")

    page.goto("/complaints/new/")
    send_empty(page.locator("#complaint-log-form"), "Log complaint")
    expect_errors_shown(
        page,
        "Choose the customer: search for them above, or add them as a new customer.",
        "Choose how the complaint reached us.",
        "Choose a category.",
        "Choose a severity.",
        "Enter a short summary.",
        "Give the date and time the complaint was received.",
        "Choose who owns the complaint.",
    )

    page.get_by_role("link", name="+ New customer").click()
    quick = page.get_by_role("group", name="New customer")
    expect(quick).to_be_visible()
    settled(page)
    quick.evaluate(EMPTY_FORM.replace("form.elements", "document.getElementById('customer-new-form').elements"))
    quick.get_by_role("button", name="Add and choose").click()
    expect_errors_shown(page, "Enter the customer's name.", "Choose one of the five groups.")

    page.goto(f"/customers/{someone.pk}/edit/")
    send_empty(page.locator("main form"), "Save")
    expect_errors_shown(page, "Enter the customer's name.", "Choose one of the five groups.")


STEP_ERRORS = {
    Stage.APOLOGIZE: ("Record the apology", []),
    Stage.REINSTATE: ("Record what was fixed", ["Say what was fixed."]),
    Stage.EMPATHIZE: ("Record the empathy", []),
    Stage.ATONE: ("Record the atonement", ["Choose what was offered (or “nothing”, with a reason)."]),
    Stage.FOLLOW_UP: (
        "Record the follow-up",
        ["Choose the customer's satisfaction, from 1 to 5.", "Say whether the customer stayed with us."],
    ),
}


def test_every_form_of_the_complaint_page_shows_every_error(
    live_server: Any, starter_data: None, new_page: Any
) -> None:
    owner = alice()
    maria()  # a manager to escalate to, and a colleague to hand over to
    page = new_page()
    sign_in(page, "alice")

    for stage, (button, errors) in STEP_ERRORS.items():
        complaint = bring_to(log_complaint(user=owner, customer=customer()), owner, stage)
        page.goto(complaint_path(complaint))
        send_empty(next_step(page).locator("form").first, button, minutes="-1")
        expect_errors_shown(page, "Minutes cannot be negative.", *errors)

    # The other forms, on a complaint at "reinstate" (where it may also be marked not needed).
    complaint = bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.REINSTATE)
    page.goto(complaint_path(complaint))
    for opener, button, errors in [
        ("“Reinstate” not needed?", "Mark as not needed", ["Say why this step is not needed."]),
        (None, "Add note", ["Write the note first."]),
        ("Hand over to a colleague", "Reassign", ["Choose a colleague."]),
        ("Escalate to a manager (step back)", "Escalate", ["Choose a manager.", "Say why you are escalating."]),
        (
            "Edit details",
            "Save details",
            ["Enter a short summary.", "Choose a category.", "This field is required."],  # + severity, channel
        ),
    ]:
        if opener is not None:
            page.get_by_text(opener, exact=True).click()
        form = page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
        send_empty(form, button)
        expect_errors_shown(page, *errors)

    # Switching customer emails has only a hidden field: its refusal is an alert above the button.
    emails = page.locator("form").filter(has=page.get_by_role("button", name="Switch customer emails off"))
    emails.locator("input[name='enabled']").evaluate("el => { el.value = ''; }")
    emails.get_by_role("button", name="Switch customer emails off").click()
    expect_errors_shown(page, "Choose on or off.")

    to_close = bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.CLOSE)
    page.goto(complaint_path(to_close))
    send_empty(next_step(page).locator("form").first, "Close the complaint")
    expect_errors_shown(page, "Choose the outcome: retained or lost.")

    closed = bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.CLOSED)
    page.goto(complaint_path(closed))
    page.get_by_text("Reopen: the customer came back unhappy").click()
    send_empty(next_step(page).locator("form").first, "Reopen the complaint")
    expect_errors_shown(page, "Choose the step that failed.", "Say why it is reopened.")


def test_survey_and_dashboard_forms_show_every_error(live_server: Any, starter_data: None, new_page: Any) -> None:
    owner = alice()
    maria()
    three_days_ago = timezone.now() - timedelta(days=3)  # so the dashboard's last 90 days have a complaint
    complaint = log_complaint(user=owner, customer=customer(), received_at=three_days_ago)
    complaint = bring_to(complaint, owner, Stage.FOLLOW_UP)
    token = surveys.survey_token(surveys.survey_invite(complaint=complaint))
    page = new_page()

    # The score is a stacked radio group; "would you come back?" an inline one.
    page.goto(f"/survey/{token}/")
    send_empty(page.locator("main form"), "Send my answer")
    expect_errors_shown(page, "Please choose a score from 1 to 5.", "Please answer yes or no.")

    sign_in(page, "maria")
    page.goto("/dashboard/?period=custom")
    filters = page.get_by_role("search", name="Dashboard filters")
    filters.get_by_label("From", exact=True).fill("")
    filters.get_by_label("To", exact=True).fill("")
    filters.get_by_role("button", name="Apply").click()
    expect_errors_shown(page, "Give the first day of the period.", "Give the last day of the period.")
