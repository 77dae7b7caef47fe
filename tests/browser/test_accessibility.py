"""axe-core over every page: 0 serious or critical violations, signed out, as front line and as a manager.

Each test opens one browser context (with `bypass_csp`, see tests/browser/accessibility.py), walks its
pages, including forms shown with their errors, and fails with one report of everything axe found.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from common import request_id
from common.views import server_error
from policy.bootstrap import ensure_first_version
from recovery import surveys, workflow
from recovery.models import STEPS, Complaint, Severity, Stage
from tests.browser.accessibility import AxeAudit, OnlyThisServer
from tests.browser.helpers import alice, complaint_path, customer, maria, next_step, settled, sign_in, some_complaints
from tests.factories import front_line_user, log_complaint, manager_user
from tests.helpers.coaching import answer_survey, review
from tests.helpers.training import answers, current
from tests.helpers.workflow import bring_to
from training import services
from training.bootstrap import ensure_starter_modules
from training.coaching import services as coaching_services
from training.models import TrainingModule

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def audit() -> AxeAudit:
    return AxeAudit()


@pytest.fixture
def axe_page(new_context: Any, new_page: Any, base_url: str) -> Any:
    """One page in a context that lets axe-core's injected script run, and may reach only our server."""
    network = OnlyThisServer(base_url)
    page = network.watch(new_page(new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})))
    yield page
    assert network.elsewhere == [], f"pages asked for something elsewhere: {network.elsewhere}"


def visit(page: Page, audit: AxeAudit, path: str, label: str | None = None) -> None:
    page.goto(path)
    audit.check(page, label or path)


def test_signed_out_pages_have_no_serious_violations(
    live_server: Any, starter_data: None, axe_page: Page, audit: AxeAudit, settings: Any, problems: Any
) -> None:
    page = axe_page
    for status in (429, 410, 404):  # the lockout, the expired and the mangled survey link
        problems.allow(f"status of {status}")
    owner = alice()
    visit(page, audit, "/login/", "sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    audit.check(page, "sign in, sent empty")

    settings.AXES_FAILURE_LIMIT = 2
    for attempt in range(1, 3):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("not her password")
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/login/")) as sent:
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if attempt == 1:
            audit.check(page, "sign in, wrong password")
    assert sent.value.status == 429  # the lockout page
    audit.check(page, "lockout")

    # The customer's survey: open, sent without an answer, thanked, already answered, expired, mangled.
    complaint = bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.FOLLOW_UP)
    token = surveys.survey_token(surveys.survey_invite(complaint=complaint))
    visit(page, audit, f"/survey/{token}/", "survey")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Please choose a score from 1 to 5.")).to_be_visible()
    audit.check(page, "survey, sent empty")
    page.get_by_label("4 · Happy").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    audit.check(page, "survey, thank you")
    visit(page, audit, f"/survey/{token}/", "survey, already answered")
    other = bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.FOLLOW_UP)
    with time_machine.travel(timezone.now() - timedelta(days=60), tick=False):
        old_token = surveys.survey_token(surveys.survey_invite(complaint=other))
    visit(page, audit, f"/survey/{old_token}/", "survey, expired link")
    visit(page, audit, f"/survey/{token[:-6]}x/", "survey, mangled link")

    # The public complaint form (no minimum fill time: a script types fast), sent empty, then filed; the page
    # after it, the customer's status page and a mangled status link.
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    cache.clear()
    visit(page, audit, "/complain/", "complaint form")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_text("Please tell us your name.")).to_be_visible()
    audit.check(page, "complaint form, sent empty")
    page.get_by_label("Your name").fill("Dana Day")
    page.get_by_label("Email address").fill("dana@example.org")
    page.get_by_label("I use your products or services").check()
    page.get_by_label("What happened?").fill("The heater stopped working after a day.")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_role("heading", name="Thank you: we have your complaint")).to_be_visible()
    audit.check(page, "complaint received")
    page.get_by_role("link", name="See your complaint's status").click()
    expect(page.locator(".status-stage")).to_be_visible()
    audit.check(page, "status page")
    visit(page, audit, "/status/not-a-link/", "status page, mangled link")

    # The 500 page, exactly as Django serves it, at an address of the live server.
    with request_id.bound("0123456789abcdef0123456789abcdef"):
        error_page = server_error(RequestFactory().get("/")).content
    assert b"0123456789abcdef0123456789abcdef" in error_page
    page.route("**/server-error/", lambda route: route.fulfill(status=200, body=error_page, content_type="text/html"))
    visit(page, audit, "/server-error/", "500 page")

    audit.assert_clean(at_least=16)


def _complaints_for_every_page(owner: Any, manager: Any) -> dict[str, Complaint]:
    """A complaint at each stage (the apology overdue, the follow-up with the customer's survey answer), closed,
    escalated and reopened; between them every severity."""
    someone = customer(name="Carla Customer")
    severities = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
    stages = [*STEPS, Stage.CLOSE, Stage.CLOSED]
    three_days_ago = timezone.now() - timedelta(days=3)
    made: dict[str, Complaint] = {}
    for n, stage in enumerate(stages):
        complaint = log_complaint(
            user=owner, customer=someone, severity=severities[n % 4], summary=f"At {stage}", received_at=three_days_ago
        )
        made[stage] = bring_to(complaint, owner, stage)
    token = surveys.survey_token(surveys.survey_invite(complaint=made[Stage.FOLLOW_UP]))
    surveys.survey_answer(token=token, satisfaction=2, would_return=False, comment="Still cross.")
    escalated = log_complaint(user=owner, customer=someone, severity=Severity.HIGH, summary="Escalated")
    made["escalated"] = workflow.complaint_escalate(
        complaint=escalated, user=owner, to=manager, reason="The customer asks for a manager."
    )
    made["reopened"] = workflow.complaint_reopen(
        complaint=bring_to(log_complaint(user=owner, customer=someone, summary="Reopened"), owner, Stage.CLOSED),
        user=owner,
        to_step=Stage.ATONE,
        reason="The voucher did not work.",
    )
    return made


def test_front_line_pages_have_no_serious_violations(
    live_server: Any, starter_data: None, axe_page: Page, audit: AxeAudit, problems: Any
) -> None:
    page = axe_page
    for status in (400, 403, 404):  # the error pages, opened on purpose; a reply sent empty
        problems.allow(f"status of {status}")
    owner, manager = alice(), maria()
    ensure_first_version(django_apps)  # the flush took the migration's; every page below shows its banner
    made = _complaints_for_every_page(owner, manager)
    someone = made[Stage.APOLOGIZE].customer
    coached = review(made[Stage.CLOSED], manager, "well_done", atone="missed")
    sign_in(page, "alice")

    for path, label in [
        ("/queue/", "my queue"),
        ("/complaints/", "complaint list"),
        ("/complaints/?severity=high&sort=-received_at&received_from=31-31-2026", "complaint list, filtered"),
        ("/complaints/?q=nothing+matches+this", "complaint list, empty"),
        ("/customers/", "customer list"),
        ("/customers/?q=nobody+at+all", "customer list, empty"),
        (f"/customers/{someone.pk}/", "customer page"),
        (f"/customers/{someone.pk}/edit/", "customer edit"),
        ("/customers/new/", "new customer page"),
        ("/dashboard/", "403 page"),
        ("/complaints/999999/", "404 page"),
        ("/policy/", "service policy"),
        ("/policy/versions/", "service policy, all versions"),
        (reverse("training:my_training"), "my training, with a coaching review"),
        (reverse("training:coaching_review", args=[coached.pk]), "a coaching review of my complaint"),
    ]:
        visit(page, audit, path, label)
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_text("Write your reply.")).to_be_visible()
    audit.check(page, "a coaching review, reply with errors")

    # The banner's "I have read it": the page comes back without it, thanked.
    page.goto("/queue/")
    page.get_by_role("region", name="New service policy").get_by_role("button", name="I have read it").click()
    expect(page.get_by_text("Thank you: you have read version 1")).to_be_visible()
    audit.check(page, "service policy read, thanked")
    visit(page, audit, "/policy/v1/", "service policy, read")

    page.goto(f"/customers/{someone.pk}/edit/")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter the customer's name.")).to_be_visible()
    audit.check(page, "customer edit, with errors")

    # The log form, sent empty, then with the new-customer form open and sent empty.
    visit(page, audit, "/complaints/new/", "log form")
    page.get_by_role("button", name="Log complaint").click()
    expect(page.get_by_text("Enter a short summary.")).to_be_visible()
    audit.check(page, "log form, with errors")
    page.get_by_role("link", name="+ New customer").click()
    quick = page.get_by_role("group", name="New customer")
    quick.get_by_role("button", name="Add and choose").click()
    expect(quick.get_by_text("Choose one of the five groups.")).to_be_visible()
    settled(page)
    audit.check(page, "log form, new customer with errors")

    # A received time the clocks turned back over: the plain-words message and the choice of reading.
    page.goto("/complaints/new/")
    page.locator("summary").filter(has_text="Received earlier?").click()
    page.get_by_label("Received").fill("2026-10-25T01:30")
    page.get_by_role("button", name="Log complaint").click()
    expect(page.get_by_text("happened twice")).to_be_visible()
    audit.check(page, "log form, a received time that happened twice")

    # Adding a customer who is already on file offers the existing one.
    page.goto("/customers/new/")
    page.get_by_label("Name").fill("Carla C.")
    page.get_by_label("Email").fill(someone.email)
    page.get_by_label("End-user").check()
    page.get_by_role("button", name="Add customer").click()
    expect(page.get_by_role("link", name="Open their page")).to_be_visible()
    audit.check(page, "new customer page, already on file")

    for name, complaint in made.items():
        visit(page, audit, complaint_path(complaint), f"complaint: {name}, {complaint.severity}")

    # Step forms sent with nothing chosen show their errors; the follow-up's are inline radio groups.
    for stage, error in [(Stage.REINSTATE, "Say what was fixed."), (Stage.FOLLOW_UP, "Say whether the customer")]:
        page.goto(complaint_path(made[stage]))
        step_form = next_step(page).locator("form").first
        step_form.evaluate("f => f.querySelectorAll('input[type=radio]').forEach(r => { r.checked = false; })")
        step_form.get_by_role("button", name="Record").click()
        expect(next_step(page).get_by_text(error)).to_be_visible()
        settled(page)
        audit.check(page, f"complaint: {stage} form with errors")

    audit.assert_clean(at_least=35)


def _training_history(person: Any) -> None:
    """The starter modules (the live server's database was flushed) and a failed then a passed attempt."""
    ensure_starter_modules(django_apps)
    recovery = TrainingModule.objects.get(slug="five-step-recovery")
    version = current(recovery)
    for token, right in (("a", 0), ("b", None)):
        services.attempt_submit(user=person, version=version, answers=answers(version, right=right), token=token)


def test_manager_pages_have_no_serious_violations(
    live_server: Any, starter_data: None, axe_page: Page, audit: AxeAudit, problems: Any
) -> None:
    problems.allow("status of 400")  # a coaching review sent empty
    cache.clear()  # figures cached by an earlier test would describe data that is gone
    page = axe_page
    owner, manager = alice(), maria()
    some_complaints(manager)
    escalated = workflow.complaint_escalate(
        complaint=bring_to(log_complaint(user=owner, customer=customer()), owner, Stage.CLOSE),
        user=owner,
        to=manager,
        reason="Needs a manager's eye.",
    )
    # Someone who left with open complaints: the list filtered by them offers the hand-over.
    leaver = front_line_user(username="lena", first_name="Lena", last_name="Left")
    log_complaint(user=leaver, customer=customer(), summary="Left behind")
    get_user_model().objects.filter(pk=leaver.pk).update(is_active=False)
    idle = front_line_user(username="ivan", first_name="Ivan", last_name="Idle")
    ensure_first_version(django_apps)
    _training_history(owner)
    # Coaching: a complaint reviewed by maria and, blind, by mark (side by side), and one waiting for a review.
    reviewed = bring_to(log_complaint(user=owner, customer=customer(), summary="Reviewed"), owner, Stage.CLOSED)
    answer_survey(reviewed, 2)
    coached = review(reviewed, manager)
    mark = manager_user(username="mark", first_name="Mark", last_name="Manning")
    coaching_services.calibration_request(complaint=reviewed, by=manager, asked=mark)
    review(reviewed, mark, "missed")
    waiting = bring_to(log_complaint(user=owner, customer=customer(), summary="Waiting"), owner, Stage.CLOSED)
    sign_in(page, "maria")
    month = timezone.localdate().strftime("%Y-%m")
    for path, label in [
        ("/queue/", "manager's queue"),
        ("/dashboard/", "dashboard"),
        ("/dashboard/?period=custom&date_from=&date_to=", "dashboard, custom period with errors"),
        ("/dashboard/?period=365&group=supplier", "dashboard, filtered"),
        (f"/dashboard/?handler={idle.pk}", "dashboard, a handler with nothing in the period"),
        (f"/dashboard/review/?month={month}", "monthly review"),
        ("/dashboard/review/?month=2020-01", "monthly review, a month with nothing in it"),
        ("/dashboard/review/?month=2099-01", "monthly review, a month to come"),
        ("/dashboard/review/?month=2026-13", "monthly review, refused month"),
        (reverse("training:matrix"), "training matrix"),
        (reverse("training:matrix") + "?role=managers&module=five-step-recovery", "training matrix, filtered"),
        (reverse("training:person_attempts", args=[owner.pk, "five-step-recovery"]), "a person's attempts"),
        (complaint_path(escalated), "complaint escalated to the manager, to close"),
        (f"/complaints/?owner={leaver.pk}", "complaint list of someone who left"),
        (reverse("recovery:complaints_hand_over", args=[leaver.pk]), "hand-over"),
        ("/policy/", "service policy, as a manager"),
        ("/policy/v1/readers/", "who has read the service policy"),
        (reverse("training:coaching"), "coaching"),
        (reverse("training:coaching_queue"), "coaching queue"),
        (reverse("training:coaching_review", args=[coached.pk]), "a coaching review, as a manager"),
        (reverse("training:coaching_complaint", args=[reviewed.pk]), "coaching reviews side by side"),
        (complaint_path(reviewed), "complaint with its coaching reviews"),
        (reverse("training:coaching_review_create", args=[waiting.pk]), "coaching review form"),
        ("/policy/publish/", "publish a new policy version"),
    ]:
        visit(page, audit, path, label)
    page.goto(reverse("training:coaching_review_create", args=[waiting.pk]))
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Write an overall note.")).to_be_visible()
    audit.check(page, "coaching review form, with errors")
    visit(page, audit, "/policy/publish/", "publish a new policy version")
    page.get_by_label("Title").fill("")
    page.get_by_label("Empowerment limit").fill("-5")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Give the policy a title.")).to_be_visible()
    audit.check(page, "publish a new policy version, with errors")
    visit(page, audit, reverse("recovery:complaints_hand_over", args=[leaver.pk]), "hand-over")
    page.get_by_role("button", name="Hand over 1 complaint").click()
    expect(page.get_by_text("Choose who takes them over.")).to_be_visible()
    audit.check(page, "hand-over, with errors")
    audit.assert_clean(at_least=27)


def test_personal_data_pages_have_no_serious_violations(
    live_server: Any, starter_data: None, axe_page: Page, audit: AxeAudit, problems: Any
) -> None:
    """The customer page as a manager (download and erase), the erasure's confirm page, and an erased customer."""
    # A download ends the navigation that asked for it: the browser reports that request as aborted.
    problems.allow("personal-data.json (net::ERR_ABORTED)")
    page = axe_page
    owner, _manager = alice(), maria()
    someone = customer(name="Carla Customer", email="carla@example.org")
    theirs = log_complaint(user=owner, customer=someone)
    sign_in(page, "maria")
    visit(page, audit, f"/customers/{someone.pk}/", "customer page, as a manager")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download personal data (JSON)").click()
    assert download.value.suggested_filename.startswith(f"caredesk-customer-{someone.pk}-")
    visit(page, audit, f"/customers/{someone.pk}/", "customer page, with its personal data requests")
    page.get_by_role("link", name="Erase personal data…").click()
    expect(page.get_by_text("This cannot be undone.").first).to_be_visible()
    audit.check(page, "erase personal data")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("Say why the data is erased").first).to_be_visible()
    audit.check(page, "erase personal data, with errors")
    page.get_by_label("Why is the data erased?").fill("Asked by letter, 1 Dec 2026")
    page.get_by_label("Type ERASE to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("Personal data erased").first).to_be_visible()
    audit.check(page, "customer page, erased")
    visit(page, audit, complaint_path(theirs), "complaint of an erased customer")
    audit.assert_clean(at_least=6)
