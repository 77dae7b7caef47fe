"""On a phone: the complaint page fits the screen, its next-step form works, and the menu opens."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from recovery.models import RecoveryAction, Stage
from tests.browser.helpers import (
    alice,
    complaint_path,
    customer,
    expect_step_done,
    expect_timeline_count,
    horizontal_overflow,
    next_step,
    settled,
    sign_in,
)
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def test_the_complaint_page_works_on_a_phone(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    owner = alice()
    someone = customer(
        name="Bartholomew Featherstonehaugh-Montgomery",
        email="bartholomew.featherstonehaugh-montgomery@an-exceedingly-long-domain.example.org",
    )
    complaint = log_complaint(
        user=owner,
        customer=someone,
        summary="Replacement kettle arrived with the same fault as the first one, after a three-week wait",
    )
    page = new_page(new_context(**PHONE))
    sign_in(page, "alice")

    # The screens a front-line user moves between all fit the width.
    for path in ("/queue/", "/complaints/", "/complaints/new/", "/customers/", complaint_path(complaint)):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways on a phone"

    # The next step's form is on the page, and can be filled in and sent with a tap.
    step = next_step(page)
    note = step.get_by_label("How you apologised")
    note.scroll_into_view_if_needed()
    expect(note).to_be_in_viewport()
    note.fill("Apologised at the counter.")
    button = step.get_by_role("button", name="Record the apology")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    button.tap()
    expect_step_done(page, 0, by="Alice Archer")
    expect_timeline_count(page, 2)
    expect(step.get_by_role("heading")).to_have_text("Next step: Reinstate")
    settled(page)
    assert horizontal_overflow(page) == 0, "the complaint page scrolls sideways after recording a step"
    assert RecoveryAction.objects.filter(complaint=complaint, step=Stage.APOLOGIZE).count() == 1

    # The menu is folded away behind the toggler, and opens with a tap.
    page.evaluate("window.scrollTo(0, 0)")
    menu_link = page.get_by_role("link", name="Log complaint")
    expect(menu_link).to_be_hidden()
    toggler = page.get_by_role("button", name="Show the menu")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.tap()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu_link).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert horizontal_overflow(page) == 0
