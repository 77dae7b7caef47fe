"""A new member of staff's first training, in a real browser, and what their manager then sees.

Nora joins the front line: the required modules reach her when she is given her role. She signs in,
sees the policy banner on every page, says she has read it and the banner is gone, from that page and
the next. She opens Training, then "The five-step recovery", answers its check with two wrong answers
and does not pass: she sees her score, that it is short of the pass mark, and every explanation. She
tries again and passes. Maria, the manager, in a browser of her own, sees Nora's cell in the training
matrix turn to Passed, and from it Nora's two attempts, one failed and one passed. Nora's My training
lists the module under Passed with the day the pass expires. Each check is on what they see, and the
database must agree where the page cannot say it (one acknowledgement, exactly two attempts).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from playwright.sync_api import Page, expect

from policy.bootstrap import ensure_first_version
from policy.models import PolicyAcknowledgement
from tests.browser.helpers import PASSWORD, maria, sign_in, wait_for_page
from tests.factories import front_line_user
from training.bootstrap import ensure_starter_modules
from training.definitions import pass_expires_on
from training.models import Assignment, Attempt, ModuleVersion, TrainingModule

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "The five-step recovery"
ATTEMPT_URL = re.compile(r"/training/attempts/\d+/$")
MODULE_URL = re.compile(r"/training/modules/five-step-recovery/$")


def answer_check(page: Page, version: ModuleVersion, *, wrong: int) -> None:
    """Tick an answer to each question of the check, the first `wrong` of them wrong, and send it."""
    check = page.locator("#training-check")
    for index, question in enumerate(version.questions.order_by("order")):
        choice = question.choices.filter(is_correct=index >= wrong).order_by("order").first()
        assert choice is not None
        group = check.get_by_role("group", name=question.text)
        group.get_by_role("radio", name=choice.text, exact=True).check()
    check.get_by_role("button", name="Send my answers").click()
    wait_for_page(page, ATTEMPT_URL)


def test_new_front_line_user_reads_the_policy_fails_then_passes_and_the_manager_sees_it(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    # The flush took what the data migrations load: the first policy and the starter modules.
    ensure_first_version(django_apps)
    ensure_starter_modules(django_apps)
    nora = front_line_user(username="nora", first_name="Nora", last_name="Newcomer")
    nora.set_password(PASSWORD)
    nora.save()
    module = TrainingModule.objects.get(slug="five-step-recovery")
    version = module.current_version
    assert version is not None
    assert Assignment.objects.filter(user=nora, module=module, closed_at__isnull=True).exists()
    questions = list(version.questions.order_by("order"))
    assert len(questions) == 6  # two wrong: 4 of 6 is 67%, short of the pass mark
    assert version.pass_mark == 80

    page = new_page()
    sign_in(page, "nora")

    # The policy banner, on the page signing in leads to; "I have read it" thanks her in its place.
    banner = page.get_by_role("region", name="New service policy")
    expect(banner).to_contain_text("Please read our service policy, version 1")
    banner.get_by_role("button", name="I have read it").click()
    expect(page.get_by_role("status").filter(has_text="Thank you: you have read version 1")).to_be_visible()
    expect(banner).to_have_count(0)
    assert PolicyAcknowledgement.objects.filter(user=nora).count() == 1

    # Training, from the navigation: the module is to do. The banner does not come back.
    page.get_by_role("link", name="Training", exact=True).click()
    wait_for_page(page, re.compile(r"/training/$"))
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="New service policy")).to_have_count(0)
    to_do = page.locator("#training-to-do")
    expect(to_do.get_by_role("link", name=MODULE)).to_be_visible()
    to_do.get_by_role("link", name=MODULE).click()
    wait_for_page(page, MODULE_URL)
    expect(page.get_by_role("heading", name=MODULE, level=1)).to_be_visible()

    # First try: two wrong answers, 67%, not passed; each answer with its explanation.
    answer_check(page, version, wrong=2)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MODULE}: not passed yet")
    expect(page.locator("#attempt-score")).to_contain_text("You scored 67% (pass mark 80%)")
    for question in questions:
        expect(page.get_by_text(question.explanation, exact=True)).to_be_visible()
    expect(page.get_by_text("Wrong", exact=True)).to_have_count(2)
    expect(page.get_by_text("Right", exact=True)).to_have_count(4)

    # Second try, from the result page: all right, passed.
    page.get_by_role("link", name="Try again").click()
    wait_for_page(page, MODULE_URL)
    expect(page.get_by_role("region", name="My attempts")).to_contain_text("67% (not passed, version 1)")
    answer_check(page, version, wrong=0)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MODULE}: passed")
    expect(page.locator("#attempt-score")).to_contain_text("You scored 100% (pass mark 80%)")

    attempts = Attempt.objects.filter(user=nora).order_by("submitted_at")
    assert [(a.version_id, a.score, a.passed) for a in attempts] == [(version.pk, 67, False), (version.pk, 100, True)]
    assert not Assignment.objects.filter(user=nora, module=module, closed_at__isnull=True).exists()
    expires_on = pass_expires_on(attempts[1].submitted_at, version.renewal_months)
    assert expires_on is not None
    expiry = f"{expires_on.day} {expires_on:%b %Y}"

    # Maria, in a browser of her own: Nora's cell in the matrix is Passed, and leads to her two attempts.
    maria()
    managers = new_page(new_context())
    sign_in(managers, "maria")
    managers.goto(reverse("training:matrix"))
    nora_row = managers.locator("#training-matrix tbody tr").filter(
        has=managers.get_by_role("rowheader", name=re.compile(r"^Nora Newcomer"))
    )
    expect(nora_row).to_have_count(1)
    # The link's name is its status then, for screen readers, whose cell it is (Chromium puts a space before the colon).
    cell = nora_row.get_by_role("link", name=re.compile(rf"^Passed ?: Nora Newcomer, {MODULE} \(attempts\)$"))
    expect(cell).to_be_visible()
    expect(cell.locator("xpath=..")).to_have_attribute("data-status", "passed")
    expect(cell.locator("xpath=..")).to_contain_text(f"until {expiry}")
    cell.click()
    wait_for_page(managers, re.compile(rf"/training/manage/people/{nora.pk}/five-step-recovery/$"))
    expect(managers.get_by_role("heading", level=1)).to_have_text(f"Nora Newcomer: {MODULE}")
    rows = managers.locator("#person-attempts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("100%")  # newest first
    expect(rows.nth(0)).to_contain_text("Passed")
    expect(rows.nth(1)).to_contain_text("67%")
    expect(rows.nth(1)).to_contain_text("Not passed")

    # Nora's My training: the module is passed, with the day the pass expires; nothing of it left to do.
    page.goto(reverse("training:my_training"))
    passed = page.locator("#training-passed").get_by_role("listitem").filter(has_text=MODULE)
    expect(passed).to_contain_text(f"expires {expiry}")
    expect(page.locator("#training-to-do").get_by_role("link", name=MODULE)).to_have_count(0)
