"""The customer's survey on a phone: no account, three questions, a thank-you, and the answer on the complaint."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from recovery import surveys
from recovery.models import Stage, Survey
from tests.browser.helpers import alice, complaint_path, customer, horizontal_overflow, next_step, sign_in
from tests.factories import log_complaint
from tests.helpers.workflow import bring_to

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_a_customer_answers_the_survey_on_a_phone_and_the_owner_sees_it(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    owner = alice()
    c = bring_to(log_complaint(user=owner, customer=customer(name="Dana Day")), owner, Stage.FOLLOW_UP)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))

    phone = new_page(new_context(**PHONE))
    phone.goto(f"/survey/{token}/")
    expect(phone.get_by_role("heading", name="How did we do?")).to_be_visible()
    assert horizontal_overflow(phone) == 0
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Please choose a score from 1 to 5.")).to_be_visible()  # nothing chosen yet

    phone.get_by_label("4 · Happy").check()
    phone.get_by_label("Yes").check()
    phone.get_by_label("Anything you would like to tell us?").fill("Sorted now; the voucher was a nice touch.")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    phone.goto(f"/survey/{token}/")
    expect(phone.get_by_role("heading", name="Thank you, we already have your answer")).to_be_visible()
    assert Survey.objects.get(complaint=c).satisfaction == 4

    page = new_page()
    sign_in(page, "alice")
    page.goto(complaint_path(c))
    expect(page.locator(".detail-survey")).to_contain_text("Satisfaction 4 of 5 · would come back")
    expect(next_step(page).get_by_label("4")).to_be_checked()
    expect(next_step(page).get_by_label("Yes, they stayed")).to_be_checked()
    expect(next_step(page).get_by_label("The customer’s comment")).to_have_value(
        "Sorted now; the voucher was a nice touch."
    )
