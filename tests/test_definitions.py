"""One meaning per word: every page, filter, figure and email saying "repeat" or "escalated" counts the same complaints.

Each test builds one set of complaints and asks every place that uses the word, as a user sees it:
the complaint page's flag or badge, the complaint list (its rows' badges and its filter), the
customer pages, the dashboard figure and the list its link opens, and the managers' digest and the
list its link opens.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recovery.dashboard import DashboardFilters, dashboard_compute
from tests.factories import CustomerFactory, log_complaint

H = timedelta(hours=1)
D = timedelta(days=1)


def get(client: Any, url: str, params: dict[str, str] | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return str(response.content.decode())


def listed(client: Any, url: str, params: dict[str, str] | None = None) -> set[str]:
    """Return the references the complaint list at `url` shows."""
    return set(re.findall(r'class="reference"[^>]*>(C-\d+)<', get(client, url, params)))


def list_rows(html: str) -> dict[str, str]:
    """Return each listed complaint's table row, by reference."""
    rows = re.findall(r"<tr\b.*?</tr>", html, re.S)
    found = {}
    for row in rows:
        match = re.search(r'class="reference"[^>]*>(C-\d+)<', row)
        if match:
            found[match.group(1)] = row
    return found


def local_path(url: str) -> str:
    return url.removeprefix(str(settings.SITE_URL).rstrip("/"))


# --- repeat ---------------------------------------------------------------------------------------


def test_repeat_means_the_same_on_the_complaint_page_the_list_the_customer_pages_and_the_dashboard(
    client: Any, alice: Any, maria: Any, customer: Any
) -> None:
    """A repeat complaint is one received within 90 days after another from the same customer."""
    now = timezone.now()
    first = log_complaint(user=alice, customer=customer, received_at=now - 200 * D)
    second = log_complaint(user=alice, customer=customer, received_at=now - 150 * D)  # 50 days after the first
    third = log_complaint(user=alice, customer=customer, received_at=now - 100 * D)  # 50 days after the second
    latest = log_complaint(user=alice, customer=customer, received_at=now - 5 * D)  # 95 days after the third
    lone: Any = CustomerFactory(name="Lone Customer")
    alone = log_complaint(user=alice, customer=lone, received_at=now - 10 * D)
    repeats = {second.reference, third.reference}
    client.force_login(maria)

    flagged = {
        c.reference
        for c in (first, second, third, latest, alone)
        if "Repeat complaint:" in get(client, reverse("complaint_detail", args=[c.pk]))
    }
    assert flagged == repeats
    page = get(client, reverse("complaint_detail", args=[second.pk]))
    assert "another complaint from this customer was received in the 90 days before this one" in page

    assert listed(client, reverse("complaint_list"), {"repeat": "yes"}) == repeats

    customer_page = get(client, reverse("customer_detail", args=[customer.pk]))
    count = re.search(r"<strong>Repeat complaints:</strong> (\d+) ", customer_page)
    assert count is not None
    assert count.group(1) == "2"
    assert "received within 90 days after another of theirs" in customer_page
    assert "Repeat complaints:" not in get(client, reverse("customer_detail", args=[lone.pk]))
    customers = get(client, reverse("customer_list"))
    badge = re.compile(r'<span class="badge text-bg-warning"[^>]*>Repeat</span>')
    rows = dict(re.findall(r'href="/customers/(\d+)/">[^<]*</a>(.*?)</td>', customers, re.S))
    assert badge.search(rows[str(customer.pk)])
    assert not badge.search(rows[str(lone.pk)])

    period = DashboardFilters(start=timezone.localdate(now - 200 * D), end=timezone.localdate(now))
    board = dashboard_compute(period, now=now)
    assert board.values["repeats"] == 2
    assert board.figures["repeat_rate"].detail == "2 of 5"
    assert listed(client, board.figures["repeat_rate"].url) == repeats
