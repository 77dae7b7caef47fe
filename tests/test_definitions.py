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

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recovery import digest
from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.models import ComplaintEvent, EventKind, Stage
from recovery.workflow import (
    complaint_apologize,
    complaint_atone,
    complaint_close,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_reinstate,
)
from tests.factories import CustomerFactory, UserFactory, log_complaint
from tests.helpers.admin import admin_url

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
        if "Repeat complaint:" in get(client, reverse("recovery:complaint_detail", args=[c.pk]))
    }
    assert flagged == repeats
    page = get(client, reverse("recovery:complaint_detail", args=[second.pk]))
    assert "another complaint from this customer was received in the 90 days before this one" in page

    assert listed(client, reverse("recovery:complaint_list"), {"repeat": "yes"}) == repeats

    customer_page = get(client, reverse("customers:customer_detail", args=[customer.pk]))
    count = re.search(r"<strong>Repeat complaints:</strong> (\d+) ", customer_page)
    assert count is not None
    assert count.group(1) == "2"
    assert "received within 90 days after another of theirs" in customer_page
    assert "Repeat complaints:" not in get(client, reverse("customers:customer_detail", args=[lone.pk]))
    customers = get(client, reverse("customers:customer_list"))
    badge = re.compile(r'<span class="badge text-bg-warning"[^>]*>Repeat</span>')
    rows = dict(re.findall(r'href="/customers/(\d+)/">[^<]*</a>(.*?)</td>', customers, re.S))
    assert badge.search(rows[str(customer.pk)])
    assert not badge.search(rows[str(lone.pk)])

    period = DashboardFilters(start=timezone.localdate(now - 200 * D), end=timezone.localdate(now))
    board = dashboard_compute(period, now=now)
    assert board.values["repeats"] == 2
    assert board.figures["repeat_rate"].detail == "2 of 5"
    assert listed(client, board.figures["repeat_rate"].url) == repeats


# --- escalated ------------------------------------------------------------------------------------


def auto_escalation_sent(complaint: Any) -> None:
    """The timeline event the escalation reminder writes when its email goes out (recovery/reminders.py)."""
    assert complaint.step_escalates_at is not None
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=EventKind.AUTO_ESCALATED,
        created_at=complaint.step_escalates_at,
        stage_before=complaint.stage,
        stage_after=complaint.stage,
    )


def test_escalated_means_the_same_on_the_badges_the_list_filter_the_dashboard_and_the_digest(
    client: Any, alice: Any, maria: Any
) -> None:
    """Escalated: open, and either escalated to a manager by a person or overdue past the escalation grace."""
    now = timezone.now()
    # A medium complaint's apology is due 4 h after it is logged; managers are alerted 12 h after that.
    with time_machine.travel(now - 30 * H, tick=False):
        by_hand = log_complaint(user=alice, summary="Escalated by a person")
        gone_on = log_complaint(user=alice, summary="Escalated automatically, apology done since")
    by_hand = complaint_escalate(complaint=by_hand, user=alice, to=maria, reason="Customer asked for a manager")
    with time_machine.travel(now - 20 * H, tick=False):
        overdue_past_grace = log_complaint(user=alice, summary="Escalated automatically")
    with time_machine.travel(now - 6 * H, tick=False):
        overdue_in_grace = log_complaint(user=alice, summary="Overdue, within the grace")
    with time_machine.travel(now - 2 * H, tick=False):
        quiet = log_complaint(user=alice, summary="Nothing wrong")
        closed_since = log_complaint(user=alice, summary="Escalated, closed since")
    auto_escalation_sent(overdue_past_grace)
    auto_escalation_sent(gone_on)
    complaint_apologize(complaint=gone_on, user=alice, done_at=now - 3 * H)
    with time_machine.travel(now - H, tick=False):
        c = complaint_escalate(complaint=closed_since, user=alice, to=maria, reason="Needs a manager")
        c = complaint_apologize(complaint=c, user=maria)
        c = complaint_reinstate(complaint=c, user=maria, note="Replaced")
        c = complaint_empathize(complaint=c, user=maria)
    with time_machine.travel(now - H / 2, tick=False):
        c = complaint_atone(complaint=c, user=maria, kind="voucher", value="10")
        c = complaint_follow_up(complaint=c, user=maria, satisfaction=4, retained=True)
        c = complaint_close(complaint=c, user=maria)
    assert c.stage == Stage.CLOSED
    escalated = {by_hand.reference, overdue_past_grace.reference}
    everyone = (by_hand, gone_on, overdue_past_grace, overdue_in_grace, quiet, closed_since)
    client.force_login(maria)

    rows = list_rows(get(client, reverse("recovery:complaint_list")))
    assert {ref for ref, row in rows.items() if ">Escalated</span>" in row} == escalated
    badged = {
        x.reference
        for x in everyone
        if re.search(
            r'class="badge text-bg-danger">Escalated', get(client, reverse("recovery:complaint_detail", args=[x.pk]))
        )
    }
    assert badged == escalated

    assert listed(client, reverse("recovery:complaint_list"), {"escalated": "on"}) == escalated

    period = DashboardFilters(start=timezone.localdate(now - 2 * D), end=timezone.localdate(now))
    figure = dashboard_compute(period, now=now).figures["escalated_now"]
    assert figure.value == 2
    assert listed(client, local_path(figure.url)) == escalated

    content = digest.digest_content(day=timezone.localdate(now), now=now)
    assert content.escalations.count == 2
    assert {row.reference for row in content.escalations.rows} == escalated
    assert listed(client, local_path(content.escalated_url)) == escalated

    # The administrator's complaint list filters and marks by the same rule.
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    changelist = get(client, admin_url("recovery.complaint", "changelist"), {"escalated": "yes"})
    assert {x.reference for x in everyone if x.reference in changelist} == escalated
    changelist = get(client, admin_url("recovery.complaint", "changelist"), {"escalated": "no"})
    assert {x.reference for x in everyone if x.reference in changelist} == {x.reference for x in everyone} - escalated
