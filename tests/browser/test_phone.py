"""On a phone: the complaint page fits the screen, its next-step form works, and the menu opens."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from recovery.models import RecoveryAction, Stage
from recovery.workflow import complaint_add_note
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


def test_on_a_phone_the_next_step_form_comes_right_after_the_tracker(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    owner = alice()
    complaint = log_complaint(user=owner, customer=customer(name="Carla Customer"))
    for n in range(6):  # a history long enough to matter
        complaint_add_note(complaint=complaint, user=owner, text=f"Called the customer back, attempt {n + 1}.")
    page = new_page(new_context(**PHONE))
    sign_in(page, "alice")
    page.goto(complaint_path(complaint))

    def box(locator: Any) -> dict[str, float]:
        found = locator.bounding_box()
        assert found is not None
        return dict(found)

    tracker = box(page.locator("ol.tracker"))
    form = box(next_step(page))
    customer_card = box(page.get_by_role("region", name="Customer"))
    actions = box(page.get_by_role("region", name="Actions"))
    timeline = box(page.get_by_role("region", name="Timeline"))
    screen = PHONE["viewport"]["height"]  # type: ignore[index]
    # Right after the tracker (nothing but a margin between them), before the customer and the actions.
    assert 0 <= form["y"] - (tracker["y"] + tracker["height"]) < 100
    assert form["y"] < customer_card["y"] < actions["y"]
    assert form["y"] - tracker["y"] < screen
    # The history comes last: the customer's details are not pushed below it.
    assert actions["y"] < timeline["y"]
    # Reading and Tab order follow what is seen: the step form, then the customer, then the history.
    in_page_order = page.evaluate(
        """() => {
          const [form, customer, history] = ["#next-step textarea", ".detail-customer a", "#timeline-heading"]
            .map(selector => document.querySelector(selector));
          const before = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
          return before(form, customer) && before(customer, history);
        }"""
    )
    assert in_page_order
