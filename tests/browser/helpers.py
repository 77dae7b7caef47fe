"""What the browser tests share: people with a known password, signing in, the complaint page, some complaints."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, cast

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from customers.models import Customer, CustomerGroup
from recovery.models import Outcome, Stage
from tests.factories import CustomerFactory, front_line_user, manager_user
from tests.helpers.dashboard import act, make_complaint

PASSWORD = "browser-pass-1"
QUEUE_URL = re.compile(r"/queue/$")
COMPLAINT_URL = re.compile(r"/complaints/\d+/$")


def alice() -> Any:
    """Alice works the front line; she can sign in with PASSWORD."""
    return _with_password(front_line_user(username="alice", first_name="Alice", last_name="Archer"))


def maria() -> Any:
    """Maria manages the front line; she can sign in with PASSWORD."""
    return _with_password(manager_user(username="maria", first_name="Maria", last_name="Moreno"))


def customer(**kwargs: Any) -> Customer:
    """A customer with the factory's defaults for whatever `kwargs` leaves out."""
    return cast(Customer, CustomerFactory(**kwargs))


def _with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: Page, username: str) -> None:
    """Sign in through the real form and wait for the queue, where signing in leads.

    Page addresses are relative: the `base_url` fixture points every context at this worker's live server.
    """
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_page(page, QUEUE_URL)


def wait_for_page(page: Page, url: re.Pattern[str]) -> None:
    """Wait for a navigation (a form sent with Enter or a click) to reach `url` and load completely.

    Going on before the page's own requests finish would abort them, and the test would fail on them.
    """
    expect(page).to_have_url(url)
    page.wait_for_load_state()


def complaint_path(complaint: Any) -> str:
    return f"/complaints/{complaint.pk}/"


def settled(page: Page) -> None:
    """Wait until htmx has no request in flight and has finished swapping and settling.

    htmx focuses the new content's [autofocus] field when it settles (20 ms after the swap), so
    keys pressed before then could land in a field the page is about to leave.
    """
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def tracker_steps(page: Page) -> Locator:
    """The five steps of the tracker, in order."""
    return page.locator("ol.tracker > li")


def timeline_entries(page: Page) -> Locator:
    return page.locator("ol.timeline > li")


def next_step(page: Page) -> Locator:
    """The "what to do next" card: the current step's form, closing or reopening."""
    return page.locator("#next-step")


def expect_step_done(page: Page, index: int, by: str) -> None:
    """Check that step `index` (0-based) shows as done, by whom."""
    step = tracker_steps(page).nth(index)
    expect(step).to_have_class(re.compile(r"\bdone\b"))
    expect(step.locator(".step-status")).to_contain_text("Done")
    expect(step.locator(".step-meta")).to_contain_text(f"by {by}")


def expect_timeline_count(page: Page, count: int) -> None:
    """Check the timeline's heading and its entries both say `count`."""
    expect(page.locator("#timeline-heading")).to_contain_text(f"({count})")
    expect(timeline_entries(page)).to_have_count(count)


def horizontal_overflow(page: Page) -> int:
    """Return how many CSS pixels the page is wider than the window (0 when it fits)."""
    return int(page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


def some_complaints(owner: Any) -> None:
    """Complaints of two groups over the last 50 days: some closed with root causes, some open."""
    now = timezone.now()
    people = [customer(group=CustomerGroup.END_USER), customer(group=CustomerGroup.SUPPLIER)]
    for n in range(12):
        received = now - timedelta(days=4 * n + 1)
        closed = n % 3 != 1
        complaint = make_complaint(
            owner=owner, customer=people[n % 2], received_at=received,
            stage=Stage.CLOSED if closed else Stage.REINSTATE,
            outcome=(Outcome.RETAINED if n % 4 == 0 else Outcome.LOST) if closed else "",
            closed_at=received + timedelta(days=1) if closed else None,
            root_cause=("Courier late" if n % 3 else "Wrong address") if closed else "",
        )  # fmt: skip
        act(complaint, Stage.APOLOGIZE, timedelta(hours=2), timedelta(hours=4), minutes=5)
