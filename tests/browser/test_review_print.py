"""The monthly review on paper: Chromium prints a busy month's review to A4 PDF."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerGroup
from recovery.facts import refresh_all
from recovery.forms.dashboard import last_full_month
from recovery.models import Outcome, Stage
from tests.browser.helpers import customer, maria, sign_in
from tests.factories import front_line_user
from tests.helpers.dashboard import act, make_complaint

pytestmark = pytest.mark.django_db(transaction=True)

# A4 less the print stylesheet's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def pdf_pages(pdf: bytes) -> int:
    """Return how many pages Chromium's PDF has (one page object each)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def a_busy_month(manager: Any) -> None:
    """Last month as the demo data has it: five handlers, ten root causes with their corrective actions."""
    month = last_full_month(timezone.now())
    start = timezone.make_aware(datetime.combine(month, time(9)))
    handlers = [manager, *(front_line_user(username=f"handler{n}") for n in range(4))]
    people = [customer(group=group) for group in CustomerGroup.values]
    for n in range(40):
        received = start + timedelta(days=n % 25, hours=n % 7)
        cause = n % 10
        complaint = make_complaint(
            owner=handlers[n % 5], customer=people[n % 5], received_at=received, stage=Stage.CLOSED,
            outcome=Outcome.RETAINED if n % 4 else Outcome.LOST, closed_at=received + timedelta(days=2),
            satisfaction=1 + n % 5,
            root_cause=f"Cause {cause}: the label printer swapped two addresses when the roll ran out mid-batch",
            corrective_action=f"Action {cause}.{n % 2}: packers now check the label against the order on screen",
        )  # fmt: skip
        act(complaint, Stage.APOLOGIZE, timedelta(hours=1), timedelta(hours=4), minutes=5)
    refresh_all()


def test_the_monthly_review_prints_on_two_a4_pages_with_its_chart_fitted(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    cache.clear()
    a_busy_month(maria())
    page = new_page(new_context(viewport={"width": 1300, "height": 900}))
    sign_in(page, "maria")
    page.goto("/dashboard/review/")
    page.wait_for_load_state()
    expect(page.locator("canvas[data-chart='trend'][data-drawn='true']")).to_have_count(1)
    expect(page.locator(".review-causes > li")).to_have_count(10)

    # Sections flow on: summary and trends on the first page, causes and handlers on the second.
    assert pdf_pages(page.pdf(format="A4", print_background=True)) == 2

    # On paper the chart is redrawn for the paper's width, inside its box, and the controls are gone.
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    box = page.locator(".review .chart-box").bounding_box()
    canvas = page.locator("canvas[data-chart='trend']").bounding_box()
    assert box is not None
    assert canvas is not None
    assert canvas["height"] <= box["height"] + 1
    assert canvas["width"] <= box["width"] + 1
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator(".review-months")).to_be_hidden()
