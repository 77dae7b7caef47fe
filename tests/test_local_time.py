"""Days and day boundaries follow the local time zone (Europe/London) across both clock changes.

In 2026 the clocks go forward on 29 March (01:00 GMT → 02:00 BST) and back on 25 October
(02:00 BST → 01:00 GMT). Targets in days land on the same local clock time however many hours
that is; targets in hours stay elapsed hours; a day ("received today", the dashboard's period, the
digest's morning, "due later today") runs from local midnight to local midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common.localtime import add_local_days, local_day_bounds
from customers.models import Customer
from recovery import digest
from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.models import Complaint, ManagerDigest, RecoveryPolicy, Reminder, ReminderKind, Severity, Stage
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.pages import list_page, references_in
from tests.helpers.workflow import advance, do_step

LONDON = ZoneInfo("Europe/London")
SPRING = date(2026, 3, 29)  # clocks forward: a 23-hour day
AUTUMN = date(2026, 10, 25)  # clocks back: a 25-hour day
H = timedelta(hours=1)


def london(day: date, hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """Return the London clock time `hour:minute` on `day` (plus `days`), in UTC.

    In UTC, so that adding hours to it adds elapsed hours (Python adds to a London-zoned time on the clock).
    """
    shifted = day + timedelta(days=days)
    return datetime(shifted.year, shifted.month, shifted.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def log_at(moment: datetime, user: Any, **kwargs: Any) -> Complaint:
    """Log a medium complaint received and logged at `moment`, for a customer who gets no emails."""
    with time_machine.travel(moment, tick=False):
        customer = cast(Customer, CustomerFactory(consents_to_contact=False))
        return log_complaint(user=user, customer=customer, received_at=timezone.now(), **kwargs)


@pytest.fixture(autouse=True)
def _london(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/London"


def test_the_test_days_are_the_clock_changes() -> None:
    assert local_day_bounds(SPRING)[1] - local_day_bounds(SPRING)[0] == 23 * H
    assert local_day_bounds(AUTUMN)[1] - local_day_bounds(AUTUMN)[0] == 25 * H


# --- step due times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "elapsed"), [(AUTUMN, 121 * H), (SPRING, 119 * H)], ids=["autumn", "spring"])
def test_atonement_falls_due_days_later_at_the_same_local_clock_time(alice: Any, change: date, elapsed: Any) -> None:
    """Medium: atone within 5 days. Logged at 10:00 three days before the change, due at 10:00 five days on."""
    received = london(change, 10, days=-3)
    complaint = log_at(received, alice)
    with time_machine.travel(received + H, tick=False):
        complaint = advance(complaint, alice, Stage.ATONE)

    assert complaint.step_due_at == london(change, 10, days=2)
    assert timezone.localtime(complaint.step_due_at).hour == 10
    assert complaint.step_due_at - received == elapsed
    overdue = Reminder.objects.get(complaint=complaint, kind=ReminderKind.STEP_OVERDUE, step=Stage.ATONE)
    assert overdue.due_at == complaint.step_due_at


@pytest.mark.parametrize(("change", "elapsed"), [(AUTUMN, 169 * H), (SPRING, 167 * H)], ids=["autumn", "spring"])
def test_follow_up_falls_due_days_after_the_atonement_at_its_local_clock_time(
    alice: Any, change: date, elapsed: Any
) -> None:
    """Medium: follow up 7 days after the atonement, recorded at 15:00 three days before the change."""
    atoned_at = london(change, 15, days=-3)
    complaint = log_at(atoned_at - 2 * H, alice)
    with time_machine.travel(atoned_at, tick=False):
        complaint = advance(complaint, alice, Stage.FOLLOW_UP)

    assert complaint.step_due_at == london(change, 15, days=4)
    assert complaint.step_due_at - atoned_at == elapsed
    reminder = Reminder.objects.get(complaint=complaint, kind=ReminderKind.FOLLOW_UP_DUE)
    assert timezone.localtime(reminder.due_at).hour == 15


@pytest.mark.parametrize(
    ("logged", "due"),
    [
        # 00:30 BST + 4 h = 03:30 GMT: the clock shows three hours later, four have passed.
        (london(AUTUMN, 0, 30), london(AUTUMN, 3, 30)),
        # 00:30 GMT + 4 h = 05:30 BST: the clock shows five hours later, four have passed.
        (london(SPRING, 0, 30), london(SPRING, 5, 30)),
    ],
    ids=["autumn", "spring"],
)
def test_targets_in_hours_stay_elapsed_hours_on_the_night_of_the_change(alice: Any, logged: Any, due: Any) -> None:
    complaint = log_at(logged, alice)
    assert complaint.step_due_at == due
    assert complaint.step_due_at - logged == 4 * H


def test_atonement_is_never_due_before_the_empathy_across_the_spring_change(alice: Any) -> None:
    """48 hours to empathize and 2 days to atone: across the spring change 2 days are 47 hours."""
    RecoveryPolicy.objects.filter(severity=Severity.MEDIUM).update(hours_to_empathize=48, days_to_atone=2)
    received = london(SPRING, 9, days=-1)
    complaint = log_at(received, alice)
    with time_machine.travel(received + H, tick=False):
        complaint = advance(complaint, alice, Stage.EMPATHIZE)
        empathy_due = complaint.step_due_at
        complaint = do_step(Stage.EMPATHIZE, complaint=complaint, user=alice)

    assert empathy_due == received + 48 * H
    assert complaint.step_due_at == empathy_due  # not 09:00 two days on, an hour earlier


def test_add_local_days_lands_a_skipped_clock_time_after_the_gap_and_a_repeated_one_on_the_first() -> None:
    # 01:30 does not exist on the spring day: it lands as far after the gap as it was into it.
    assert add_local_days(london(SPRING, 1, 30, days=-1), 1) == london(SPRING, 2, 30)
    # 01:30 happens twice on the autumn day: the first (BST) one.
    assert add_local_days(london(AUTUMN, 1, 30, days=-1), 1) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# --- the digest at 07:00 ------------------------------------------------------------------------------


@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_digest_goes_out_from_seven_local_time_on_the_day_of_the_change(maria: Any, change: date) -> None:
    assert settings.DIGEST_HOUR == 7
    with time_machine.travel(london(change, 6, 59), tick=False):
        assert digest.digests_schedule() == 0
    with time_machine.travel(london(change, 7, 0), tick=False):
        assert digest.digests_schedule() == 1
    assert list(ManagerDigest.objects.values_list("day", flat=True)) == [change]


@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_digest_lists_the_follow_ups_due_in_the_local_day(alice: Any, change: date) -> None:
    """Medium: the follow-up is due 7 days after the atonement, at the atonement's clock time."""
    due = {}
    for name, atoned_at in {
        "late on the day": london(change, 23, 30, days=-7),
        "just after midnight": london(change, 0, 30, days=-6),
        "the evening before": london(change, 23, 30, days=-8),
    }.items():
        complaint = log_at(atoned_at - 2 * H, alice)
        with time_machine.travel(atoned_at, tick=False):
            due[name] = advance(complaint, alice, Stage.FOLLOW_UP)

    content = digest.digest_content(day=change, now=london(change, 7))

    assert [row.reference for row in content.follow_ups.rows] == [due["late on the day"].reference]


# --- day boundaries: the list, the dashboard, "received today", "due later today" -----------------------


@pytest.fixture(params=[SPRING, AUTUMN], ids=["spring", "autumn"])
def around_a_change(request: Any, alice: Any) -> tuple[date, dict[str, Complaint]]:
    """Complaints received just inside and just outside the day of a clock change."""
    change: date = request.param
    times = {
        "day before, 23:30": london(change, 23, 30, days=-1),
        "00:30": london(change, 0, 30),
        "23:30": london(change, 23, 30),
        "day after, 00:30": london(change, 0, 30, days=1),
    }
    return change, {name: log_at(moment, alice) for name, moment in times.items()}


def test_list_received_from_and_to_the_day_of_a_change_means_its_local_day(client: Any, maria: Any, around_a_change):
    change, complaints = around_a_change
    day = change.isoformat()
    with time_machine.travel(london(change, 12, days=3), tick=False):
        response = list_page(client, maria, {"received_from": day, "received_to": day})
    shown = set(references_in(response.content.decode()))
    assert {name for name, c in complaints.items() if c.reference in shown} == {"00:30", "23:30"}


def test_dashboard_counts_complaints_received_in_the_local_day_of_a_change(maria: Any, around_a_change) -> None:
    change, _ = around_a_change
    board = dashboard_compute(DashboardFilters(start=change, end=change), now=london(change, 12, days=3))
    assert board.figures["received"].value == 2


def test_dashboard_link_for_received_today_lists_the_same_complaints(client: Any, maria: Any, around_a_change):
    """The figure's link opens the list with the same day: both count the same rows ("received today")."""
    change, complaints = around_a_change
    with time_machine.travel(london(change, 23, 45), tick=False):
        board = dashboard_compute(DashboardFilters(start=change, end=change), now=timezone.now())
        url = board.figures["received"].url
        client.force_login(maria)
        response = client.get(url)
    assert board.figures["received"].value == 2
    shown = set(references_in(response.content.decode()))
    assert {name for name, c in complaints.items() if c.reference in shown} == {"00:30", "23:30"}


@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_queue_counts_steps_due_later_today_up_to_local_midnight(client: Any, alice: Any, change: date) -> None:
    """Medium: the apology is due 4 hours after logging."""
    log_at(london(change, 19, 15), alice)  # due 23:15 today
    log_at(london(change, 20, 45), alice)  # due 00:45 tomorrow
    client.force_login(alice)
    with time_machine.travel(london(change, 20, 50), tick=False):
        response = client.get(reverse("recovery:my_queue"))
    assert response.context["counts"]["due_today"] == 1
