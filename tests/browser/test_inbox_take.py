"""The inbox in a browser: a front-line colleague sees the count in the menu, takes a complaint in one
click with the suggested assessment (corrected), and a colleague who tries a moment later is told.
axe-core checks the inbox, the take page and the complaint page of an inbox complaint."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from intake.services import public_complaint_submit
from recovery.models import Complaint, EventKind, Severity
from tests.browser.accessibility import AxeAudit
from tests.browser.helpers import COMPLAINT_URL, alice, complaint_path, maria, next_step, sign_in, wait_for_page
from tests.factories import front_line_user

pytestmark = pytest.mark.django_db(transaction=True)


def _sent_by_a_customer(what: str, email: str) -> Complaint:
    return public_complaint_submit(
        name="Hannah Okafor",
        email=email,
        phone="",
        group="end_user",
        what_happened=what,
        desired_remedy="A replacement.",
        consents_to_contact=True,
    )


def test_a_front_line_colleague_takes_a_complaint_from_the_inbox(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    alice()
    bob = front_line_user(username="bob", first_name="Bob", last_name="Baker")
    bob.set_password("browser-pass-1")
    bob.save()
    vase = _sent_by_a_customer("The vase arrived in pieces.", "hannah@example.net")
    _sent_by_a_customer("The app logs me out.", "sam@example.net")
    page = new_page(new_context(bypass_csp=True))
    audit = AxeAudit()
    sign_in(page, "alice")

    inbox_link = page.get_by_role("navigation").get_by_role("link", name=re.compile(r"^Inbox 2 waiting"))
    expect(inbox_link).to_be_visible()
    inbox_link.click()
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    audit.check(page, "the inbox")

    row = page.get_by_role("form", name=f"Take {vase.reference}")
    row.get_by_label("Severity").select_option(Severity.HIGH)
    # Bob takes it a moment before Alice clicks: she is told, and nothing changes hands.
    bobs = new_page(new_context())
    sign_in(bobs, "bob")
    bobs.goto(f"/inbox/{vase.pk}/take/")
    expect(bobs.get_by_text("a suggestion")).to_be_visible()
    bobs.get_by_role("button", name="Take it").click()
    wait_for_page(bobs, COMPLAINT_URL)
    expect(bobs.get_by_text(f"{vase.reference} is yours now")).to_be_visible()

    row.get_by_role("button", name=f"Take it ({vase.reference})").click()
    expect(page.get_by_text(f"{vase.reference} has already been taken by Bob Baker.")).to_be_visible()
    vase.refresh_from_db()
    assert vase.owner == bob
    expect(page.get_by_role("navigation").get_by_role("link", name=re.compile(r"^Inbox 1 waiting"))).to_be_visible()

    # The other one is Alice's in one click, with the severity she chose.
    other = Complaint.objects.get(summary="The app logs me out.")
    page.get_by_role("form", name=f"Take {other.reference}").get_by_label("Severity").select_option(Severity.HIGH)
    page.get_by_role("button", name=f"Take it ({other.reference})").click()
    wait_for_page(page, COMPLAINT_URL)
    expect(page.get_by_text(f"{other.reference} is yours now. Next: apologize.")).to_be_visible()
    expect(next_step(page).get_by_role("heading")).to_have_text("Next step: Apologize")
    expect(page.get_by_text("Alice Archer took the complaint from the inbox")).to_be_visible()
    audit.check(page, "the complaint page, just taken")
    expect(page.get_by_role("navigation").get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    other.refresh_from_db()
    assert other.owner is not None
    assert other.owner.username == "alice"
    assert other.severity == Severity.HIGH
    assert other.events.filter(kind=EventKind.TAKEN).count() == 1
    page.goto("/inbox/")
    expect(page.get_by_text("The inbox is empty")).to_be_visible()
    audit.check(page, "the inbox, empty")
    audit.assert_clean(at_least=3)


def test_a_manager_assigns_an_inbox_complaint(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    alice()
    maria()
    complaint = _sent_by_a_customer("Nobody called back about my quote.", "priya@example.net")
    page = new_page(new_context(bypass_csp=True))
    audit = AxeAudit()
    sign_in(page, "maria")
    page.goto(complaint_path(complaint))
    expect(page.get_by_text("is in the inbox")).to_be_visible()
    audit.check(page, "an inbox complaint's page, as a manager")
    page.get_by_role("link", name="Take it or assign it").click()
    audit.check(page, "the take page, as a manager")
    page.get_by_label("Give it to").select_option(label="Alice Archer")
    page.get_by_role("button", name="Take it or give it").click()
    expect(page.get_by_text(f"{complaint.reference} was given to Alice Archer.")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.owner is not None
    assert complaint.owner.username == "alice"
    audit.assert_clean(at_least=2)
