"""A complaint's whole life in a real browser: logged by keyboard, recovered in five steps, closed, reopened.

Alice (front line) signs in and logs a complaint from a customer CareDesk has
never seen, without touching the mouse: she types the name into the search
box the page puts her in, takes the "add them as a new customer" link, fills
in the quick add, then the complaint, and presses Enter. She walks it through
the five steps and closes it. Maria (a manager, in a browser of her own)
reopens it at the step that failed. Each check is on what they see, and the
database must agree.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from customers.models import Customer
from recovery.models import AtonementKind, Category, Complaint, Outcome, RecoveryAction, Severity, Stage
from tests.browser.helpers import (
    COMPLAINT_URL,
    PASSWORD,
    QUEUE_URL,
    alice,
    complaint_path,
    expect_step_done,
    expect_timeline_count,
    maria,
    next_step,
    settled,
    sign_in,
    timeline_entries,
    tracker_steps,
    wait_for_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "Nadia Newcomer"
SUMMARY = "Parcel left out in the rain"


def sign_in_by_keyboard(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # the sign-in form's autofocus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def log_complaint_by_keyboard(page: Page) -> None:
    """Log a complaint for a new customer with keys only, starting where the page puts the cursor."""
    keys = page.keyboard
    page.goto("/complaints/new/")
    expect(page.get_by_label("Find the customer")).to_be_focused()

    # Nobody matches, so the results offer to add the customer; Tab past "Find" to that link.
    # The name goes in as one input event (as a paste would). Typed key by key, a pause of more than
    # the search's 250 ms delay on a busy machine sends a search for part of it, and htmx aborts that
    # one when the next key sends another (hx-sync replace), logging a console error for it.
    keys.insert_text(CUSTOMER)
    expect(page.locator("#customer-results")).to_contain_text(f"No customer matches “{CUSTOMER}”")
    keys.press("Tab")
    keys.press("Tab")
    expect(page.get_by_role("link", name="Add them as a new customer")).to_be_focused()
    keys.press("Enter")

    # The quick add arrives with the typed name filled in and the cursor on the group.
    quick = page.get_by_role("group", name="New customer")
    expect(quick.get_by_label("Name")).to_have_value(CUSTOMER)
    settled(page)
    expect(quick.get_by_role("radio", name="End-user")).to_be_focused()
    keys.press("ArrowDown")  # moves to, and chooses, the second group
    expect(quick.get_by_role("radio", name="Prospect")).to_be_checked()
    keys.press("ArrowUp")
    expect(quick.get_by_role("radio", name="End-user")).to_be_checked()
    keys.press("Tab")
    keys.type("nadia@example.org")
    keys.press("Tab")
    keys.type("07700 900123")
    keys.press("Tab")  # organisation: none
    keys.press("Tab")
    keys.press("Space")
    expect(quick.get_by_label("Agrees to be contacted for the follow-up")).to_be_checked()
    keys.press("Tab")
    expect(quick.get_by_role("button", name="Add and choose")).to_be_focused()
    keys.press("Enter")

    expect(page.locator("[data-chosen-customer]")).to_have_text(f"{CUSTOMER} · End-user · nadia@example.org")
    expect(page.locator("#customer-quick-slot").get_by_role("status")).to_contain_text(
        f"Added {CUSTOMER} and chose them for this complaint."
    )
    settled(page)

    # From the "added" note, Tab leads into the complaint; arrow keys change a select's choice.
    keys.press("Tab")
    expect(page.get_by_label("How it reached us")).to_be_focused()
    keys.press("ArrowDown")  # In person
    keys.press("ArrowDown")  # Phone
    keys.press("Tab")
    for _ in range(3):  # Billing, Communication, Delivery
        keys.press("ArrowDown")
    keys.press("Tab")
    keys.press("ArrowDown")  # Medium -> High
    keys.press("Tab")  # past "Received earlier?", closed: it arrived now
    expect(page.locator("summary").filter(has_text="Received earlier?")).to_be_focused()
    keys.press("Tab")
    keys.type(SUMMARY)
    keys.press("Tab")
    keys.type("Driver left the parcel on the step during a storm; the books inside are ruined.")
    keys.press("Tab")
    keys.type("A replacement set")
    keys.press("Tab")  # the owner, left as her
    expect(page.get_by_label("Owner")).to_be_focused()
    keys.press("Tab")  # the time received is "now" unless opened: not on the way
    expect(page.get_by_role("button", name="Log complaint")).to_be_focused()
    expect(page.get_by_label("How it reached us")).to_have_value("phone")
    expect(page.get_by_label("Category")).to_have_value(str(_category_pk("Delivery")))
    expect(page.get_by_label("Severity")).to_have_value(Severity.HIGH)
    keys.press("Enter")
    wait_for_page(page, COMPLAINT_URL)


def _category_pk(name: str) -> int:
    return Category.objects.get(name=name).pk


def record(page: Page, button: str) -> None:
    next_step(page).get_by_role("button", name=button).click()


def test_front_line_logs_by_keyboard_recovers_closes_and_a_manager_reopens(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    alice()
    page = new_page()
    sign_in_by_keyboard(page, "alice", PASSWORD)
    wait_for_page(page, QUEUE_URL)

    log_complaint_by_keyboard(page)

    complaint = Complaint.objects.get()
    customer = Customer.objects.get()
    assert (customer.name, customer.email, customer.consents_to_contact) == (CUSTOMER, "nadia@example.org", True)
    assert (complaint.customer, complaint.summary, complaint.severity) == (customer, SUMMARY, Severity.HIGH)
    assert complaint.owner is not None
    assert (complaint.channel, complaint.category.name, complaint.owner.username) == ("phone", "Delivery", "alice")
    assert complaint.stage == Stage.APOLOGIZE
    assert complaint.step_due_at is not None

    # The reference, big and at the top, and when the apology is due.
    reference = complaint.reference
    due = timezone.localtime(complaint.step_due_at)
    expect(page).to_have_url(live_server.url + complaint_path(complaint))
    title = page.get_by_role("heading", level=1)
    expect(title.locator(".reference-lg")).to_have_text(reference)
    expect(title).to_be_in_viewport()
    logged = page.locator("#messages")
    expect(logged).to_contain_text(f"Logged {reference}. Apologize by {due:%a %d %b, %H:%M}")
    expect(logged.locator(".reference-lg")).to_have_text(reference)
    due_in_header = page.locator("#complaint-header dt:text-is('Next step due') + dd")
    expect(due_in_header).to_contain_text(f"{due.day} {due:%b %Y, %H:%M}")
    expect(next_step(page).get_by_role("heading")).to_have_text("Next step: Apologize")
    expect_timeline_count(page, 1)
    expect(timeline_entries(page).first).to_contain_text("Alice Archer logged the complaint")

    # 1. Apologize
    step = next_step(page)
    step.get_by_label("How you apologised").fill("Said sorry on the phone, straight away.")
    step.get_by_label("Minutes spent").fill("5")
    record(page, "Record the apology")
    expect_step_done(page, 0, by="Alice Archer")
    expect_timeline_count(page, 2)
    expect(timeline_entries(page).last).to_contain_text("Alice Archer recorded the apology · 5 min")
    expect(page.locator("#messages")).to_contain_text(f"Apology recorded for {reference}. Next: Reinstate.")
    # The next step's form replaces this one, with the cursor in its first field.
    expect(step.get_by_label("What was fixed")).to_be_focused()

    # 2. Reinstate
    step.get_by_label("What was fixed").fill("Sent a replacement set by next-day courier.")
    record(page, "Record what was fixed")
    expect_step_done(page, 1, by="Alice Archer")
    expect_timeline_count(page, 3)
    expect(timeline_entries(page).last).to_contain_text("Alice Archer recorded what was fixed")

    # 3. Empathize
    step.get_by_label("How you acknowledged their frustration").fill("Two wasted evenings: I said so.")
    record(page, "Record the empathy")
    expect_step_done(page, 2, by="Alice Archer")
    expect_timeline_count(page, 4)
    expect(timeline_entries(page).last).to_contain_text("Alice Archer acknowledged the customer’s frustration")

    # 4. Atone, with what was offered and its value
    step.get_by_label("What was offered").select_option(label="Voucher")
    step.get_by_label("Value").fill("25")
    record(page, "Record the atonement")
    expect_step_done(page, 3, by="Alice Archer")
    expect(tracker_steps(page).nth(3)).to_contain_text("Voucher, worth £25.00")
    expect_timeline_count(page, 5)
    expect(timeline_entries(page).last).to_contain_text("Alice Archer recorded the atonement · Voucher, worth £25.00")

    # 5. Follow up: satisfaction and whether the customer stayed
    step.get_by_role("radio", name="4", exact=True).check()
    step.get_by_role("radio", name="Yes, they stayed").check()
    step.get_by_label("The customer’s comment").fill("Quick and kind, thank you.")
    record(page, "Record the follow-up")
    expect_step_done(page, 4, by="Alice Archer")
    expect(tracker_steps(page).nth(4)).to_contain_text("Satisfaction 4 of 5 · stayed")
    expect_timeline_count(page, 6)
    expect(timeline_entries(page).last).to_contain_text("satisfaction 4 of 5, the customer stayed")
    expect(page.locator("#messages")).to_contain_text("All five steps are done: it can be closed now.")

    # Close, with the outcome the follow-up suggested
    expect(step.get_by_role("heading")).to_have_text("Close the complaint")
    expect(step.get_by_role("radio", name="Retained")).to_be_checked()
    step.get_by_label("Root cause").fill("Drivers were not told to use the safe place.")
    step.get_by_label("Corrective action").fill("Safe-place instructions now print on every label.")
    record(page, "Close the complaint")
    expect(step.get_by_role("heading")).to_have_text("Closed")
    expect(page.locator("#complaint-header")).to_contain_text("Closed: retained")
    expect(page.locator("#recovery-heading + ol.tracker ~ p")).to_contain_text(
        "the customer stayed · satisfaction 4 of 5"
    )
    expect_timeline_count(page, 7)
    expect(timeline_entries(page).last).to_contain_text("Alice Archer closed the complaint: the customer stayed")

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.round, complaint.outcome) == (Stage.CLOSED, 1, Outcome.RETAINED)
    actions = RecoveryAction.objects.filter(complaint=complaint)
    assert [a.step for a in actions.order_by("pk")] == [
        Stage.APOLOGIZE,
        Stage.REINSTATE,
        Stage.EMPATHIZE,
        Stage.ATONE,
        Stage.FOLLOW_UP,
    ]
    atonement = actions.get(step=Stage.ATONE)
    assert (atonement.atonement_kind, str(atonement.atonement_value)) == (AtonementKind.VOUCHER, "25.00")
    follow_up = actions.get(step=Stage.FOLLOW_UP)
    assert (follow_up.satisfaction, follow_up.retained) == (4, True)

    # Maria, in a browser of her own, reopens it at the step that failed.
    maria()
    managers = new_page(new_context())
    sign_in(managers, "maria")
    managers.goto(complaint_path(complaint))
    expect_timeline_count(managers, 7)
    reopen = next_step(managers)
    reopen.get_by_text("Reopen: the customer came back unhappy").click()
    reopen.get_by_label("Which step failed?").select_option(label="Atone")
    reopen.get_by_label("Why is it reopened?").fill("The voucher code was rejected at the till.")
    reopen.get_by_role("button", name="Reopen the complaint").click()

    expect_timeline_count(managers, 8)
    last = timeline_entries(managers).last
    expect(last).to_contain_text("Maria Moreno reopened the complaint at “Atone” (round 2):")
    expect(last).to_contain_text("The voucher code was rejected at the till.")
    expect(managers.locator("#complaint-header")).to_contain_text("Reopened · round 2")
    expect(next_step(managers).get_by_role("heading")).to_have_text("Next step: Atone")
    expect(managers.locator("#messages")).to_contain_text(f"{reference} is reopened at “Atone” (round 2).")
    # The steps before the one that failed still count; from it on, they are to do again.
    expect_step_done(managers, 2, by="Alice Archer")
    expect(tracker_steps(managers).nth(3)).to_have_attribute("aria-current", "step")

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.round, complaint.outcome) == (Stage.ATONE, 2, "")
    assert RecoveryAction.objects.filter(complaint=complaint).count() == 5
