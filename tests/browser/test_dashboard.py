"""A manager uses the dashboard in Chromium: filters, charts drawn under the strict CSP, numbers that open lists."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import horizontal_overflow, maria, sign_in, some_complaints, wait_for_page

pytestmark = pytest.mark.django_db(transaction=True)

DASHBOARD_URL = re.compile(r"/dashboard/(\?.*)?$")
LIST_URL = re.compile(r"/complaints/\?")


def test_a_manager_filters_the_dashboard_and_follows_a_number(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    cache.clear()  # figures cached by an earlier test would describe data that is gone
    manager = maria()
    some_complaints(manager)
    page = new_page(new_context(viewport={"width": 1400, "height": 1000}))
    sign_in(page, "maria")

    page.get_by_role("link", name="Dashboard").click()
    wait_for_page(page, DASHBOARD_URL)
    expect(page.get_by_role("heading", name="Recovery dashboard")).to_be_visible()
    expect(page.locator("canvas[data-drawn='true']")).to_have_count(3)
    expect(page.locator("#figures-as-of")).to_contain_text("Figures as of")
    assert horizontal_overflow(page) == 0

    # A preset period applies as soon as it is chosen.
    page.get_by_label("Period", exact=True).select_option("30")
    wait_for_page(page, re.compile(r"period=30"))
    expect(page.locator("#dashboard-period")).to_contain_text(
        f"{(timezone.localdate() - timedelta(days=29)):%-d %b %Y}"
    )
    # A filter applies with the button, and the URL keeps both.
    page.get_by_label("Customer group", exact=True).select_option("supplier")
    page.get_by_role("button", name="Apply").click()
    wait_for_page(page, re.compile(r"period=30.*group=supplier"))
    expect(page.locator("canvas[data-drawn='true']")).to_have_count(3)
    received = page.locator("[data-metric='received'] a.metric-link")
    shown = int(received.inner_text())
    assert shown == 4  # suppliers' complaints (every other one) received in the last 30 days

    received.click()
    wait_for_page(page, LIST_URL)
    expect(page.locator("#result-count")).to_contain_text(f"{shown} complaint")
    expect(page.get_by_label("Customer group")).to_have_value("supplier")

    # On a phone the dashboard fits the width too.
    phone = new_page(new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True))
    sign_in(phone, "maria")
    phone.goto("/dashboard/")
    phone.wait_for_load_state()
    expect(phone.locator("canvas[data-drawn='true']")).to_have_count(3)
    assert horizontal_overflow(phone) == 0


def test_a_fresh_installation_shows_an_empty_dashboard_and_review(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any
) -> None:
    cache.clear()
    maria()
    page = new_page(new_context(viewport={"width": 1400, "height": 1000}))
    sign_in(page, "maria")

    page.goto("/dashboard/")
    page.wait_for_load_state()
    # The charts are drawn from zeros and gaps (no console error: the problems fixture checks).
    expect(page.locator("canvas[data-drawn='true']")).to_have_count(3)
    expect(page.locator("[data-metric='received'] .metric-value")).to_have_text("0")
    expect(page.locator("[data-metric='recovery_rate'] .metric-value")).to_have_text("—")

    page.goto("/dashboard/review/")
    page.wait_for_load_state()
    expect(page.locator("canvas[data-chart='trend'][data-drawn='true']")).to_have_count(1)
    expect(page.get_by_text("No complaints received or closed in this period.")).to_be_visible()
