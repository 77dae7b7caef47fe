"""The dashboard's "Does training pay?" panel: complaints split by the handler's training at the time of receipt,
the front line fully trained today, and the training column of the handler table.

The world, in the period 1–20 Feb 2026 (London winter: local time is UTC):
- alice passed the five-step recovery on 10 Feb, nothing else: her complaint of 5 Feb is on the "had not"
  side, her complaint of 12 Feb on the "had passed" side;
- bob passed it in 2024 (long expired: renewal is irrelevant to the time of a complaint) and every required
  module again ten days ago: fully trained today;
- carl only failed it: never passed;
- maria (a manager) passed it on 1 Feb; managers are not in the front-line share.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.facts import refresh_all
from recovery.models import Complaint, Outcome, Severity, Stage
from tests.factories import CustomerFactory, front_line_user
from tests.helpers.dashboard import NOW, PERIOD, H, act, at, bulk_world, make_complaint
from training.dashboard_panel import FIVE_STEP_RECOVERY, HANDLER_COLUMN, TrainingPays
from training.models import Attempt, TrainingModule
from training.selectors import modules_listed

DASHBOARD = reverse("recovery:dashboard")
MATRIX = reverse("training:matrix")
_tokens = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def take(user: Any, slug: str, at_time: datetime, *, passed: bool = True) -> Attempt:
    """Store an attempt at the module's current version, submitted at `at_time`."""
    version = TrainingModule.objects.get(slug=slug).current_version
    assert version is not None
    return Attempt.objects.create(
        user=user,
        version=version,
        score=100 if passed else 0,
        passed=passed,
        started_at=at_time - timedelta(minutes=5),
        submitted_at=at_time,
        token=f"t{next(_tokens)}",
    )


def closed(owner: Any, received: datetime, closed_at: datetime, *, satisfaction: int, retained: bool, **kw: Any) -> Any:
    complaint = make_complaint(
        owner=owner,
        customer=CustomerFactory(),
        received_at=received,
        stage=Stage.CLOSED,
        outcome=Outcome.RETAINED if retained else Outcome.LOST,
        closed_at=closed_at,
        satisfaction=satisfaction,
        **kw,
    )
    act(complaint, Stage.FOLLOW_UP, closed_at - complaint.received_at - H, None, satisfaction=satisfaction,
        retained=retained)  # fmt: skip
    return complaint


@pytest.fixture
def carl(starter_data: None) -> Any:
    return front_line_user(username="carl", first_name="Carl", last_name="Cole")


@pytest.fixture
def world(alice: Any, bob: Any, carl: Any, maria: Any) -> dict[str, Any]:
    take(alice, FIVE_STEP_RECOVERY, at(2, 10))
    take(bob, FIVE_STEP_RECOVERY, datetime(2024, 3, 1, 9, tzinfo=UTC))
    for module in modules_listed().filter(current_version__required=True):
        take(bob, module.slug, NOW - timedelta(days=10))
    take(carl, FIVE_STEP_RECOVERY, at(1, 5), passed=False)
    take(maria, FIVE_STEP_RECOVERY, at(2, 1))
    # alice before her pass: received and closed in the period, retained, satisfaction 3, apology 3 h (due 4 h).
    a1 = closed(alice, at(2, 5), at(2, 12), satisfaction=3, retained=True)
    act(a1, Stage.APOLOGIZE, 3 * H, 4 * H)
    # alice after her pass: retained, satisfaction 5, apology 1 h (due 4 h).
    a2 = closed(alice, at(2, 12), at(2, 18), satisfaction=5, retained=True)
    act(a2, Stage.APOLOGIZE, 1 * H, 4 * H)
    # alice before her pass, received before the period, closed in it: retained, satisfaction 5.
    closed(alice, at(1, 20), at(2, 3), satisfaction=5, retained=True)
    # bob (passed in 2024): lost, satisfaction 2, apology 5 h (due 4 h: late); high severity.
    b1 = closed(bob, at(2, 6), at(2, 15), satisfaction=2, retained=False, severity=Severity.HIGH)
    act(b1, Stage.APOLOGIZE, 5 * H, 4 * H)
    # carl (never passed): open, apology 2 h (due 4 h).
    c1 = make_complaint(owner=carl, customer=CustomerFactory(), received_at=at(2, 7), stage=Stage.REINSTATE)
    act(c1, Stage.APOLOGIZE, 2 * H, 4 * H)
    # Outside the period: counts nowhere.
    closed(carl, at(1, 2), at(1, 9), satisfaction=1, retained=False)
    refresh_all()
    return {"alice": alice, "bob": bob, "carl": carl, "maria": maria}


def panel(filters: DashboardFilters = PERIOD, vendor: str = "") -> TrainingPays:
    board = dashboard_compute(filters, now=NOW, vendor=vendor)
    (found,) = [p for p in board.panels if p.key == "training"]
    content = found.content
    assert isinstance(content, TrainingPays)
    return content


def figures(side: Any) -> tuple[Any, ...]:
    return (side.handled, side.closed, side.recovery_rate, side.satisfaction, side.apology_median, side.on_time)


@pytest.mark.parametrize("vendor", ["", "sqlite"])
def test_complaints_are_split_by_the_handlers_training_when_received(world, vendor):
    pays = panel(vendor=vendor)
    # Had passed: alice's 12 Feb and bob's 6 Feb: 1 of 2 retained, satisfaction (5 + 2) / 2, apologies 1 h
    # and 5 h, one of the two on time.
    assert figures(pays.trained) == (2, 2, "50%", "3.5", "3.0 h", "50%")
    # Had not: alice's 5 Feb and carl's open one received; alice's 5 Feb and 20 Jan closed (both retained,
    # satisfaction 3 and 5); apologies 3 h and 2 h, both on time.
    assert figures(pays.untrained) == (2, 2, "100%", "4.0", "2.5 h", "100%")


def test_the_panel_shows_the_same_definitions_as_the_headline_figures(world):
    board = dashboard_compute(PERIOD, now=NOW)
    pays = panel()
    assert pays.trained.values["closed"] + pays.untrained.values["closed"] == board.values["closed"]
    assert pays.trained.values["retained"] + pays.untrained.values["retained"] == board.values["retained"]
    assert pays.trained.handled + pays.untrained.handled == board.values["received"]
    labels = [f.label for f in pays.figures]
    assert labels == [
        "Recovery rate",
        "Satisfaction after follow-up",
        "Time to apologize (median)",
        "Steps done on time",
    ]
    assert pays.figures[0].trained_detail == "1 of 2 closed"
    assert pays.figures[1].untrained_detail == "from 2 follow-ups"


def test_the_front_line_share_counts_people_fully_trained_today(world):
    pays = panel()
    # alice, bob and carl are on the front line; only bob passed every required module and it still holds.
    assert (pays.front_line_trained, pays.front_line, pays.trained_share) == (1, 3, "33%")


def test_an_expired_required_pass_is_not_fully_trained(world):
    with time_machine.travel(NOW + timedelta(days=400), tick=False):
        board = dashboard_compute(PERIOD, now=NOW + timedelta(days=400))
    content = board.panels[0].content
    assert (content.front_line_trained, content.front_line) == (0, 3)


def test_the_panel_respects_the_dashboards_filters(world):
    alice = world["alice"]
    only_alice = panel(DashboardFilters(start=PERIOD.start, end=PERIOD.end, handler_id=alice.pk))
    assert figures(only_alice.trained) == (1, 1, "100%", "5.0", "1.0 h", "100%")
    assert figures(only_alice.untrained) == (1, 2, "100%", "4.0", "3.0 h", "100%")
    high = panel(DashboardFilters(start=PERIOD.start, end=PERIOD.end, severity=Severity.HIGH))
    assert figures(high.trained) == (1, 1, "0%", "2.0", "5.0 h", "0%")
    assert figures(high.untrained)[:2] == (0, 0)
    # The share of the front line trained today is about people, not complaints: the same whatever the filters.
    assert (high.front_line_trained, high.front_line) == (1, 3)


def test_a_pass_after_every_complaint_leaves_them_all_untrained(world):
    Attempt.objects.filter(user__in=[world["alice"], world["bob"]]).update(submitted_at=NOW)
    pays = panel()
    assert figures(pays.trained)[:2] == (0, 0)
    assert figures(pays.untrained)[:2] == (4, 4)


def test_no_pass_at_all_puts_everything_on_the_untrained_side(world):
    Attempt.objects.filter(passed=True).delete()
    pays = panel()
    assert figures(pays.trained) == (0, 0, "—", "—", "—", "—")
    assert pays.untrained.handled == 4
    assert pays.front_line_trained == 0


def test_the_handler_table_shows_training_today_and_links_to_the_matrix(world):
    board = dashboard_compute(PERIOD, now=NOW)
    assert board.handler_columns == [HANDLER_COLUMN]
    notes = {row.name: row.notes[0] for row in board.handlers}
    required = modules_listed().filter(current_version__required=True).count()
    assert notes["Alice Archer"].text == f"1 of {required} required modules"
    assert notes["Alice Archer"].detail == "Five-step recovery passed 10 Feb 2026"
    assert notes["Bob Baker"].text == "Fully trained"
    assert notes["Bob Baker"].detail == "Five-step recovery passed 1 Mar 2024"
    assert notes["Carl Cole"].detail == "Five-step recovery not passed"
    alice_row = next(row for row in board.handlers if row.name == "Alice Archer")
    assert alice_row.url == f"{MATRIX}#person-{world['alice'].pk}"


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_panel_and_says_the_state_at_the_time_is_used(client, world):
    client.force_login(world["maria"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(DASHBOARD, {"date_from": "2026-02-01", "date_to": "2026-02-20", "period": "custom"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Does training pay?" in text
    assert "The training state at the time of each complaint is used, not today" in text
    assert f'href="{MATRIX}#person-{world["alice"].pk}"' in text
    assert f'<th scope="col">{HANDLER_COLUMN}</th>' in text
    assert "1 of 3 front-line staff" in text


def test_the_matrix_row_is_the_handlers_link_target(client, world):
    client.force_login(world["maria"])
    assert f'id="person-{world["alice"].pk}"' in client.get(MATRIX).content.decode()


def test_the_handlers_csv_has_the_training_column(client, world):
    client.force_login(world["maria"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("recovery:dashboard_handlers_csv"), {"date_from": "2026-02-01", "date_to": "2026-02-20"}
        )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].endswith(HANDLER_COLUMN)
    assert any(
        line.startswith("Bob Baker,") and line.endswith("Fully trained Five-step recovery passed 1 Mar 2024")
        for line in lines
    )


# --- queries -------------------------------------------------------------------------------------


def _many_trained_handlers(count: int) -> None:
    """`count` front-line people, half of them passed the recovery, each with a few complaints of the period."""
    customers = [CustomerFactory() for _ in range(3)]
    for n in range(count):
        person = front_line_user(username=f"h{n}")
        if n % 2:
            take(person, FIVE_STEP_RECOVERY, at(2, 1 + n % 19))
        bulk_world(3, person, customers)


def queries(client: Any, manager: Any) -> int:
    cache.clear()
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD, {"period": "365"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_panel_adds_two_queries_whatever_the_number_of_handlers_and_complaints(client, maria, alice):
    # Both sizes measured in one test, so the comparison holds however the tests are split between processes.
    take(alice, FIVE_STEP_RECOVERY, at(1, 1))
    bulk_world(2, alice, [CustomerFactory()])
    few = queries(client, maria)
    _many_trained_handlers(30)
    assert Complaint.objects.values("owner").distinct().count() == 31
    many = queries(client, maria)
    assert few == many <= 22  # +1 the menu's inbox count (intake)


def test_a_handler_who_left_keeps_their_figures_and_says_so(world):
    carl = world["carl"]
    carl.is_active = False
    carl.save(update_fields=["is_active"])
    board = dashboard_compute(PERIOD, now=NOW)
    row = next(row for row in board.handlers if row.handler_id == carl.pk)
    assert (row.notes[0].text, row.notes[0].detail, row.url) == (
        "Account switched off",
        "Five-step recovery not passed",
        "",
    )
    # No longer on the front line: the share counts alice and bob only.
    content = board.panels[0].content
    assert (content.front_line_trained, content.front_line) == (1, 2)


def test_the_printed_monthly_review_leaves_the_training_column_out(client, world):
    # The review is about its month; today's training belongs to the dashboard (and keeps the print on A4).
    client.force_login(world["maria"])
    with time_machine.travel(NOW, tick=False):
        text = client.get(reverse("recovery:dashboard_review"), {"month": "2026-02"}).content.decode()
    assert "Alice Archer" in text
    assert HANDLER_COLUMN not in text
    assert f"{MATRIX}#person-" not in text
