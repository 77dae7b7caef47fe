"""The dashboard's roll-up (recovery.rollup) against a straightforward recount from the complaints.

Random complaints (several handlers, groups, severities and categories; closes, reopens, skips,
escalations, surveys) are written as any code would write them, so the database's triggers record
the changes; then every figure the roll-up gives must equal the recount (`recount=True`): counts, sums
and rates exactly, medians and 90th percentiles within the 1% (or one second) the page states. Then the
rows are changed the ways the application and an operator change them (a reopen, a reassignment, a
customer's group, a back-dated receipt, a survey answered, a row deleted) and the figures must follow.
"""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer, CustomerGroup
from recovery.dashboard import DashboardFilters, dashboard_compute
from recovery.dashboard.percentiles import percentile_cont
from recovery.dashboard.review import monthly_trend
from recovery.models import (
    Category,
    Complaint,
    DailyFigures,
    FiguresChange,
    Outcome,
    RollupState,
    Severity,
    Stage,
    StaleMonth,
    Survey,
)
from recovery.rollup import build
from recovery.rollup.histogram import ERROR, bucket_of, percentile
from tests.factories import CustomerFactory, front_line_user
from tests.helpers.dashboard import make_complaint

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
TODAY = date(2026, 11, 20)
ANSWERED = {"answered_at": NOW - timedelta(hours=1), "satisfaction": 4, "would_return": True}
PERCENTILES = ("apology_p50", "apology_p90", "reinstate_p50", "reinstate_p90", "close_p50", "close_p90")


def within_error(estimate: timedelta | None, exact: timedelta | None) -> bool:
    if estimate is None or exact is None:
        return estimate is exact
    return abs(estimate - exact).total_seconds() <= max(1.0, ERROR * exact.total_seconds()) + 1e-6


def assert_same_figures(filters: DashboardFilters) -> Any:
    """Compute `filters` both ways and compare every value, and the rows the page shows."""
    fast = dashboard_compute(filters, now=NOW)
    exact = dashboard_compute(filters, now=NOW, recount=True)
    assert fast.estimated_percentiles
    assert not exact.estimated_percentiles
    assert set(fast.values) == set(exact.values)
    for key, value in exact.values.items():
        if key in PERCENTILES:
            assert within_error(fast.values[key], value), (key, fast.values[key], value)
        elif key == "satisfaction_avg":
            assert fast.values[key] == pytest.approx(value)
        else:
            assert fast.values[key] == value, (key, filters)
    for rows in ("by_group", "by_category", "backlog", "open_by_stage", "root_causes"):
        assert getattr(fast, rows) == getattr(exact, rows), rows
    handlers = [replace(h, apology_median="") for h in fast.handlers]
    assert handlers == [replace(h, apology_median="") for h in exact.handlers]
    for fast_row, exact_row in zip(fast.handlers, exact.handlers, strict=True):
        assert fast_row.handler_id == exact_row.handler_id
    fast_figures = {k: f.display for k, f in fast.figures.items() if not k.startswith("time_to")}
    assert fast_figures == {k: f.display for k, f in exact.figures.items() if not k.startswith("time_to")}
    return fast


def random_world(rng: random.Random, *, complaints: int) -> dict[str, Any]:
    """Store `complaints` random complaints over three years, written as rows (the triggers see them)."""
    handlers = [front_line_user(username=f"handler{n}", first_name=f"Handler{n}") for n in range(4)]
    categories = list(Category.objects.all())
    customers = [CustomerFactory(group=rng.choice(CustomerGroup.values)) for _ in range(complaints // 3)]
    rows = []
    for _ in range(complaints):
        received = NOW - timedelta(days=rng.uniform(0, 3 * 365), seconds=rng.randint(0, 86400))
        closed = rng.random() < 0.7 and received < NOW - timedelta(days=1)
        closed_at = received + timedelta(seconds=rng.randint(0, 40 * 86400)) if closed else None
        if closed_at and closed_at > NOW:
            closed_at = NOW - timedelta(minutes=5)
        apologized = received + timedelta(seconds=rng.choice([0, 0.5, 30, rng.randint(60, 3 * 86400)]))
        fields: dict[str, Any] = {
            "category": rng.choice(categories),
            "severity": rng.choice(Severity.values),
            "stage": Stage.CLOSED if closed else rng.choice([Stage.APOLOGIZE, Stage.REINSTATE, Stage.ATONE]),
            "closed_at": closed_at,
            "outcome": rng.choice([Outcome.RETAINED, Outcome.RETAINED, Outcome.LOST]) if closed else "",
            "satisfaction": rng.choice([None, 1, 2, 3, 4, 5]) if closed else None,
            "root_cause": rng.choice(["", "Late van", " late van ", "Wrong size", "Rude call"]) if closed else "",
            "apologized_at": apologized if rng.random() < 0.9 else None,
            "reinstated_at": apologized + timedelta(hours=rng.randint(1, 90)) if rng.random() < 0.6 else None,
            "apologize_on_time": rng.choice([None, True, False]),
            "reinstate_on_time": rng.choice([None, True, False]),
            "empathize_on_time": rng.choice([None, True]),
            "atone_on_time": rng.choice([None, False]),
            "follow_up_on_time": rng.choice([None, True, False]),
            "minutes_total": rng.randint(0, 120),
            "atonement_total": Decimal(rng.choice([0, 0, 5, 12.5, 40])),
            "escalated_at": None,
            "round": 2 if rng.random() < 0.05 else 1,
        }
        if not closed and rng.random() < 0.1:
            fields.update(escalated_at=received, escalated_to=handlers[0])
        rows.append(
            make_complaint(
                owner=rng.choice(handlers), customer=rng.choice(customers), received_at=received, save=False, **fields
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=500)
    surveys = [
        Survey(complaint=c, round=1, sent_at=c.closed_at, **answer)
        for c in rows
        for answer in [ANSWERED if rng.random() < 0.5 else {}]
        if c.closed_at and rng.random() < 0.5
    ]
    Survey.objects.bulk_create(surveys)
    return {"handlers": handlers, "customers": customers, "complaints": rows, "categories": categories}


def every_filter(world: dict[str, Any]) -> list[DashboardFilters]:
    """The default 90 days, a year, three years, and each single narrowing of the 90 days."""
    days90 = DashboardFilters(start=TODAY - timedelta(days=89), end=TODAY)
    return [
        days90,
        replace(days90, start=TODAY - timedelta(days=364)),
        replace(days90, start=TODAY - timedelta(days=3 * 365 + 5)),
        replace(days90, group=CustomerGroup.DISTRIBUTOR),
        replace(days90, severity=Severity.HIGH),
        replace(days90, category_id=world["categories"][0].pk),
        replace(days90, handler_id=world["handlers"][1].pk),
        replace(days90, start=TODAY - timedelta(days=364), group=CustomerGroup.SUPPLIER),
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_of_the_roll_up_equals_a_recount(starter_data, seed):
    world = random_world(random.Random(seed), complaints=600)
    for filters in every_filter(world):
        assert_same_figures(filters)


def test_the_figures_follow_every_kind_of_change(starter_data):
    rng = random.Random(7)
    world = random_world(rng, complaints=400)
    filters = every_filter(world)
    assert_same_figures(filters[0])  # folds in the changes so far
    complaints = world["complaints"]
    closed = [c for c in complaints if c.closed_at]
    # A reopen: the close is undone, the complaint open again.
    Complaint.objects.filter(pk=closed[0].pk).update(
        stage=Stage.APOLOGIZE, closed_at=None, outcome="", satisfaction=None, round=2
    )
    # A reassignment, a new severity, a new category.
    Complaint.objects.filter(pk=complaints[1].pk).update(owner=world["handlers"][3], severity=Severity.CRITICAL)
    Complaint.objects.filter(pk=complaints[2].pk).update(category=world["categories"][-1])
    # A customer moved to another group: all their complaints move with them.
    customer = complaints[3].customer
    Customer.objects.filter(pk=customer.pk).update(group=CustomerGroup.EMPLOYEE)
    # A receipt moved back in time: complaints of the same customer after it may become repeats.
    Complaint.objects.filter(pk=complaints[4].pk).update(received_at=complaints[4].received_at - timedelta(days=60))
    # A survey answered, and one deleted; a complaint logged now; a complaint deleted (a data fix).
    unanswered = Survey.objects.filter(answered_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    Survey.objects.filter(pk=unanswered[0]).update(**ANSWERED)
    Survey.objects.filter(pk=Survey.objects.order_by("-pk").values_list("pk", flat=True)[0]).delete()
    make_complaint(owner=world["handlers"][2], customer=customer, received_at=NOW - timedelta(hours=2))
    Complaint.objects.filter(pk=complaints[5].pk).delete()
    assert FiguresChange.objects.exists()
    for each in filters:
        assert_same_figures(each)
    assert not FiguresChange.objects.exists()


def test_a_rebuild_writes_exactly_what_the_changes_kept(starter_data):
    world = random_world(random.Random(11), complaints=300)
    Complaint.objects.filter(pk=world["complaints"][0].pk).update(owner=world["handlers"][2])
    build.apply_changes()
    kept = sorted(DailyFigures.objects.values_list(*_columns()))
    out = StringIO()
    call_command("rebuild_dashboard_facts", stdout=out)
    assert f"{len(kept):,} rows" in out.getvalue()
    assert sorted(DailyFigures.objects.values_list(*_columns())) == kept


def _columns() -> list[str]:
    return [f.name for f in DailyFigures._meta.concrete_fields if f.name != "id"]


def test_the_monthly_trend_from_the_roll_up_equals_the_recount(starter_data, monkeypatch):
    random_world(random.Random(5), complaints=300)
    filters = DashboardFilters(start=date(2026, 11, 1), end=TODAY)
    fast = monthly_trend(filters, last_month=date(2026, 11, 1))
    monkeypatch.setattr("recovery.dashboard.rolled_up.can_read", lambda *args: False)
    assert monthly_trend(filters, last_month=date(2026, 11, 1)) == fast
    assert sum(row.received for row in fast) > 0


def test_a_roll_up_never_counted_leaves_the_dashboard_to_count_until_it_is_rebuilt(starter_data):
    """A database that held complaints before the roll-up existed: the migration says "not built"."""
    random_world(random.Random(4), complaints=120)
    RollupState.objects.update_or_create(pk=1, defaults={"built_at": None})
    DailyFigures.objects.all().delete()  # as the migration found it: nothing counted
    filters = DashboardFilters(start=TODAY - timedelta(days=89), end=TODAY)
    waiting = FiguresChange.objects.count()
    board = dashboard_compute(filters, now=NOW)
    assert not board.estimated_percentiles  # counted from the complaints: right, only slower
    assert board.values == dashboard_compute(filters, now=NOW, recount=True).values
    assert FiguresChange.objects.count() == waiting  # nothing folded into a roll-up that was never counted
    call_command("rebuild_dashboard_facts", stdout=StringIO())
    assert RollupState.objects.get().built_at is not None
    assert not FiguresChange.objects.exists()
    assert_same_figures(filters)


def test_two_narrowings_are_counted_from_the_complaints(starter_data):
    world = random_world(random.Random(3), complaints=100)
    filters = DashboardFilters(
        start=TODAY - timedelta(days=89), end=TODAY, group=CustomerGroup.END_USER, severity=Severity.LOW
    )
    board = dashboard_compute(filters, now=NOW)
    assert not board.estimated_percentiles
    assert board.values == dashboard_compute(filters, now=NOW, recount=True).values
    assert world


def test_folding_in_changes_takes_one_query_or_two(starter_data, alice, customer):
    build.apply_changes()
    with CaptureQueriesContext(connection) as nothing_to_do:
        assert build.apply_changes() == build.Applied(built=True, changes=0, days=0)
    assert len(statements(nothing_to_do)) == 1
    make_complaint(owner=alice, customer=customer, received_at=NOW - timedelta(days=3))
    with CaptureQueriesContext(connection) as some:
        applied = build.apply_changes()
    assert (applied.built, applied.changes, applied.days) == (True, 1, 1)
    assert len(statements(some)) == 2


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The queries sent, without the savepoints the test's own transaction turns `atomic` into."""
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_two_refreshers_at_once_never_count_a_day_twice(starter_data):
    world = random_world(random.Random(9), complaints=200)
    expected = dashboard_compute(every_filter(world)[2], now=NOW, recount=True).values
    Complaint.objects.update(minutes_total=7)  # every day changed: both threads have work
    expected["minutes"] = 7 * expected["received"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            barrier.wait(timeout=10)
            build.apply_changes()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    fast = dashboard_compute(every_filter(world)[2], now=NOW).values
    assert (fast["received"], fast["minutes"], fast["closed"]) == (
        expected["received"],
        expected["minutes"],
        expected["closed"],
    )


def test_percentiles_from_the_buckets_are_within_one_percent_of_the_exact_ones():
    rng = random.Random(42)
    for _ in range(300):
        size = rng.randint(1, 400)
        scale = rng.choice([1, 60, 3600, 86400, 30 * 86400])
        spans = [timedelta(seconds=rng.expovariate(1 / scale) * rng.choice([0, 1, 1, 1])) for _ in range(size)]
        counts: dict[int, int] = {}
        for span in spans:
            counts[bucket_of(span)] = counts.get(bucket_of(span), 0) + 1
        for fraction in (0.5, 0.9):
            assert within_error(percentile(counts, fraction), percentile_cont(spans, fraction))
    assert percentile({}, 0.5) is None


@pytest.mark.django_db
def test_the_database_puts_a_time_in_the_same_bucket_as_python():
    rng = random.Random(1)
    spans = [timedelta(seconds=rng.uniform(0, 10 ** rng.randint(0, 8))) for _ in range(500)]
    spans += [timedelta(0), timedelta(seconds=0.999), timedelta(seconds=1), timedelta(days=1000)]
    with connection.cursor() as cursor:
        from recovery.rollup.histogram import bucket_sql

        cursor.execute(
            f"SELECT {bucket_sql('s')} FROM unnest(%s::interval[]) WITH ORDINALITY AS t(s, n) ORDER BY n",  # noqa: S608
            [spans],
        )
        in_database = [row[0] for row in cursor.fetchall()]
    mismatched = [(s, b, bucket_of(s)) for s, b in zip(spans, in_database, strict=True) if b != bucket_of(s)]
    # Floating point may put a time that sits exactly on a bucket's edge on either side; never further.
    assert all(abs(b - p) <= 1 for _, b, p in mismatched)
    assert len(mismatched) <= 2


@pytest.mark.django_db(transaction=True)
def test_a_page_does_not_wait_for_another_refresher_and_says_how_old_its_figures_are(starter_data, alice, customer):
    now = timezone.now()
    filters = DashboardFilters(start=timezone.localdate(now) - timedelta(days=89), end=timezone.localdate(now))
    before = dashboard_compute(filters, now=now).values["received"]
    make_complaint(owner=alice, customer=customer, received_at=now - timedelta(days=2))
    recorded = FiguresChange.objects.get().recorded_at
    holding, release = threading.Event(), threading.Event()

    def refresher_at_work() -> None:  # another process folding changes in: it holds the lock a while
        try:
            with connections["default"].cursor() as cursor, transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [build.LOCK_KEY])
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    other = threading.Thread(target=refresher_at_work)
    other.start()
    try:
        assert holding.wait(timeout=10)
        page = dashboard_compute(filters, now=timezone.now(), wait=False)
    finally:
        release.set()
        other.join(timeout=30)
    assert page.values["received"] == before  # the new complaint is not counted yet …
    assert page.computed_at == recorded  # … and the page says its figures are as of just before it
    later = timezone.now()
    after = dashboard_compute(filters, now=later, wait=False)
    assert (after.values["received"], after.computed_at) == (before + 1, later)


def test_a_page_folds_changes_into_days_and_leaves_their_months_to_beat(starter_data):
    world = random_world(random.Random(13), complaints=300)
    three_years = every_filter(world)[2]
    assert_same_figures(three_years)  # everything folded in, months added up
    # A page folds a change to an old complaint into its days only: its months are left stale …
    old = min(world["complaints"], key=lambda c: c.received_at)
    Complaint.objects.filter(pk=old.pk).update(minutes_total=old.minutes_total + 100)
    page = dashboard_compute(three_years, now=NOW, wait=False)
    stale = set(StaleMonth.objects.values_list("month", flat=True))
    assert timezone.localdate(old.received_at).replace(day=1) in stale
    # … read through their day rows meanwhile, so the figures are right all the same;
    assert page.values == dashboard_compute(three_years, now=NOW, wait=False).values
    assert page.values["minutes"] == dashboard_compute(three_years, now=NOW, recount=True).values["minutes"]
    # beat's refresh adds the months up and clears them.
    build.apply_changes()
    assert not StaleMonth.objects.exists()
    assert_same_figures(three_years)
    out = StringIO()
    kept = sorted(DailyFigures.objects.values_list(*_columns()))
    call_command("rebuild_dashboard_facts", stdout=out)
    assert sorted(DailyFigures.objects.values_list(*_columns())) == kept
