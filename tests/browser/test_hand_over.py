"""A manager hands a departing colleague's open complaints over, in Chromium: from the list filtered by
that person, through the hand-over screen (a missing choice is refused by the field), to their new owner's
list. No console errors or failed requests (the conftest checks), so the screen keeps to the CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from recovery.models import Complaint
from tests.browser.helpers import alice, customer, maria, sign_in, wait_for_page
from tests.factories import front_line_user, log_complaint

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_hands_over_everything_of_someone_who_left(starter_data: None, new_page: Any) -> None:
    leaving = alice()
    maria()
    bob = front_line_user(username="bob", first_name="Bob", last_name="Baker")
    work = [log_complaint(user=leaving, customer=customer(), summary=f"Parcel {n} lost") for n in range(3)]
    get_user_model().objects.filter(pk=leaving.pk).update(is_active=False)

    page = new_page()
    sign_in(page, "maria")
    page.goto(f"/complaints/?owner={leaving.pk}")
    expect(page.get_by_label("Owner")).to_have_value(str(leaving.pk))
    expect(page.get_by_text("Alice Archer’s account is inactive")).to_be_visible()
    page.get_by_role("link", name="Hand over all of Alice Archer’s open complaints").click()
    wait_for_page(page, re.compile(r"/hand-over/$"))
    expect(page.get_by_role("heading", name="Hand over Alice Archer’s open complaints")).to_be_visible()
    for c in work:
        expect(page.get_by_role("link", name=c.reference)).to_be_visible()

    page.get_by_role("button", name="Hand over 3 complaints").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Choose who takes them over.")).to_be_visible()
    expect(page.get_by_label("Give them all to")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Give them all to").select_option(label="Bob Baker")
    page.get_by_role("button", name="Hand over 3 complaints").click()
    wait_for_page(page, re.compile(rf"/complaints/\?owner={bob.pk}&stage=open$"))
    expect(page.get_by_text("Handed 3 open complaints from Alice Archer to Bob Baker.")).to_be_visible()
    assert set(Complaint.objects.values_list("owner", flat=True)) == {bob.pk}
