"""The dashboard's figures read from the roll-up (recovery.rollup): a few hundred rows, whatever the period.

The same values, under the same names, as recovery.dashboard.queries counts from the complaints, so
`compute` turns either into the same figures; tests/test_dashboard_rollup.py compares the two on random
data. Medians and 90th percentiles come from the roll-up's histograms, within 1% (or a second) of the
exact figure (recovery.rollup.histogram). Used on PostgreSQL when the filters narrow by at most one thing
(the slices the roll-up keeps); the figures that cannot be added up by day (customers counted once
however many complaints, the root causes' own wording, what is open right now) still come from the
complaints (`queries`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from customers.models import CustomerGroup
from recovery.dashboard.filters import DashboardFilters, next_month
from recovery.dashboard.queries import BACKLOG_WEEKS, PARETO_TOP, closed_in
from recovery.facts import ON_TIME_FIELDS
from recovery.models import Outcome
from recovery.rollup import build
from recovery.rollup.histogram import percentile
from recovery.rollup.models import CATEGORY, GROUP, HANDLER, SEVERITY, Cohort, DailyCauses, DailyFigures, DailyTimes

# The measures added up over the days: every counted column of DailyFigures.
MEASURES = (
    "complaints",
    "repeats",
    "minutes",
    *(f"timed_{step}" for step in ON_TIME_FIELDS),
    *(f"ontime_{step}" for step in ON_TIME_FIELDS),
    "retained",
    "lost",
    "with_cause",
    "atonement",
    "follow_ups",
    "satisfaction_sum",
    "satisfied",
    "answered",
)
# A row counts towards the period: a month row of a whole month in it (unless the month is stale), or a
# day row of its other days.
IN_PERIOD = "((f.month AND f.day = ANY(%s::date[])) OR (NOT f.month AND f.day = ANY(%s::date[])))"
_NARROWING_COLUMNS = (
    (GROUP, "customer_group"),
    (SEVERITY, "severity"),
    (CATEGORY, "category_pk"),
    (HANDLER, "handler_pk"),
)


def narrowing(filters: DashboardFilters) -> dict[int, Any]:
    """The filters' narrowing as {slice bit: value}."""
    values = {
        GROUP: filters.group,
        SEVERITY: filters.severity,
        CATEGORY: filters.category_id,
        HANDLER: filters.handler_id,
    }
    return {bit: value for bit, value in values.items() if value}


def can_read(filters: DashboardFilters, vendor: str) -> bool:
    """The roll-up answers for these filters: PostgreSQL, and at most one narrowing (a slice it keeps)."""
    return vendor == "postgresql" and build.enabled() and len(narrowing(filters)) <= 1


class RolledUp:
    """The values of one dashboard computation, read in three queries (after folding in the changes)."""

    def __init__(self, filters: DashboardFilters, stale_months: frozenset[date] = frozenset()) -> None:
        self.filters = filters
        self.stale_months = stale_months
        narrowed = narrowing(filters)
        self.slice = sum(narrowed)
        self.conditions = [(column, narrowed[bit]) for bit, column in _NARROWING_COLUMNS if bit in narrowed]
        self.week_days = [filters.end - timedelta(weeks=BACKLOG_WEEKS - 1 - k) for k in range(BACKLOG_WEEKS)]
        self.sums: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        self.weeks_after: dict[int, list[int]] = {}
        # Histograms as read ({"bucket": count}, text keys): the headline's by name, the handlers' apology
        # times by (name, handler), and by side of the split.
        self.spans: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
        self.split_spans: dict[bool, dict[str, int]] = {True: {}, False: {}}
        self.causes: list[tuple[str, int]] = []

    def read(self) -> RolledUp:
        self._read_sums()
        self._read_spans()
        self._read_causes()
        return self

    # --- the queries --------------------------------------------------------------------------------

    def _where(self) -> tuple[str, list[Any]]:
        sql = "".join(f" AND f.{column} = %s" for column, _ in self.conditions)
        return sql, [value for _, value in self.conditions]

    def _period_params(self) -> list[Any]:
        """The parameters of IN_PERIOD: the period's whole months that are up to date, then its other days."""
        start, end = self.filters.start, self.filters.end
        months = [m for m in whole_months(start, end) if m not in self.stale_months]
        covered = set(months)
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        return [months, [day for day in days if day.replace(day=1) not in covered]]

    def _read_sums(self) -> None:
        """One query: the period's sums per cohort and slice row (with the handlers' names), and the
        complaints received and closed after the end of each backlog week (up to now)."""
        table = DailyFigures._meta.db_table
        users = get_user_model()._meta.db_table
        where, where_params = self._where()
        slices = sorted({self.slice, self.slice | GROUP, self.slice | CATEGORY, self.slice | HANDLER})
        sums = ", ".join(f"sum(f.{m})" for m in MEASURES)
        nothing = ", ".join("NULL" for _ in MEASURES)
        weeks = ", ".join("sum(f.complaints) FILTER (WHERE f.day > %s)" for _ in self.week_days)
        sql = f"""
SELECT f.cohort, f.slice, f.customer_group, f.category_pk, f.handler_pk, f.split,
  u.first_name, u.last_name, u.username, {sums}, NULL
FROM {table} f LEFT JOIN {users} u ON u.id = f.handler_pk
WHERE f.cohort IN ({Cohort.RECEIVED}, {Cohort.CLOSED}, {Cohort.SURVEYED}) AND f.slice = ANY(%s) AND {IN_PERIOD}{where}
GROUP BY f.cohort, f.slice, f.customer_group, f.category_pk, f.handler_pk, f.split, u.id
UNION ALL
SELECT f.cohort, -1, '', 0, 0, false, NULL, NULL, NULL, {nothing}, ARRAY[{weeks}]
FROM {table} f
WHERE f.cohort IN ({Cohort.RECEIVED}, {Cohort.CLOSED}) AND f.slice = %s AND NOT f.month AND f.day > %s{where}
GROUP BY f.cohort
"""  # noqa: S608 - table, column and measure names are ours; values are parameters
        params = [slices, *self._period_params(), *where_params]
        params += [*self.week_days, self.slice, self.week_days[0], *where_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                cohort, slice_, group, category, handler, split, first, last, username = row[:9]
                if slice_ == -1:
                    self.weeks_after[cohort] = [n or 0 for n in row[-1]]
                    continue
                values = dict(zip(MEASURES, row[9:-1], strict=True))
                values.update(customer_group=group, category_pk=category, handler_pk=handler, split=split)
                values.update(first_name=first, last_name=last, username=username)
                self.sums[(cohort, slice_)].append(values)

    def _read_spans(self) -> None:
        """One query: the period's step-time histograms (a row per whole month of the period, a row per day
        for the rest): the headline's, and the handlers' times to apologize. Added up here, bucket by
        bucket: a few thousand small JSON objects parse and add faster than the database expands them."""
        table = DailyTimes._meta.db_table
        where, where_params = self._where()
        sql = f"""
SELECT f.slice, f.handler_pk, f.split, f.apology::text, f.reinstate::text, f.close::text
FROM {table} f WHERE f.cohort IN ({Cohort.RECEIVED}, {Cohort.CLOSED}) AND f.slice = %s AND {IN_PERIOD}{where}
UNION ALL
SELECT f.slice, f.handler_pk, f.split, f.apology::text, NULL, NULL
FROM {table} f WHERE f.cohort = {Cohort.RECEIVED} AND f.slice = %s AND f.slice <> %s AND {IN_PERIOD}{where}
"""  # noqa: S608 - table and column names are ours; values are parameters
        period = self._period_params()
        params = [self.slice, *period, *where_params, self.slice | HANDLER, self.slice, *period, *where_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for slice_, handler, split, *histograms in rows:
            for name, text in zip(("apology", "reinstate", "close"), histograms, strict=True):
                if not text:
                    continue
                counts = json.loads(text)
                if slice_ == self.slice:
                    _add_all(self.spans[(name, 0)], counts)
                if slice_ == self.slice | HANDLER and name == "apology":  # the same rows when narrowed to one handler
                    _add_all(self.spans[(name, handler)], counts)
                    _add_all(self.split_spans[bool(split)], counts)

    def _read_causes(self) -> None:
        """One query: the most frequent root causes of the complaints closed in the period."""
        rows = (
            DailyCauses.objects.filter(slice=self.slice, day__gte=self.filters.start, day__lte=self.filters.end)
            .filter(**dict(self.conditions))
            .values("cause")
            .annotate(n=Sum("complaints"))
            .order_by("-n", "cause")
            .values_list("cause", "n")[:PARETO_TOP]
        )
        self.causes = list(rows)

    # --- the values, as recovery.dashboard.queries names them ------------------------------------------

    def _headline(self, cohort: Cohort) -> dict[str, Any]:
        rows = self.sums.get((cohort, self.slice), [])
        return rows[0] if rows else dict.fromkeys(MEASURES)

    def received_values(self) -> dict[str, Any]:
        row = self._headline(Cohort.RECEIVED)
        values: dict[str, Any] = {
            "received": row["complaints"] or 0,
            "repeats": row["repeats"] or 0,
            "minutes": row["minutes"],
        }
        by_group = {
            r["customer_group"]: r["complaints"] for r in self.sums.get((Cohort.RECEIVED, self.slice | GROUP), [])
        }
        values.update({f"group_{g}": by_group.get(g) or 0 for g in CustomerGroup.values})
        for step in ON_TIME_FIELDS:
            values[f"timed_{step}"] = row[f"timed_{step}"] or 0
            values[f"ontime_{step}"] = row[f"ontime_{step}"] or 0
        for name in ("apology", "reinstate"):
            counts = _buckets(self.spans.get((name, 0), {}))
            values[f"{name}_p50"] = percentile(counts, 0.5)
            values[f"{name}_p90"] = percentile(counts, 0.9)
        return values

    def category_counts(self) -> dict[int, int]:
        rows = self.sums.get((Cohort.RECEIVED, self.slice | CATEGORY), [])
        return {r["category_pk"]: r["complaints"] for r in rows if r["complaints"]}

    def closed_values(self) -> dict[str, Any]:
        row = self._headline(Cohort.CLOSED)
        follow_ups = row["follow_ups"] or 0
        counts = _buckets(self.spans.get(("close", 0), {}))
        return {
            "closed": row["complaints"] or 0,
            "retained": row["retained"] or 0,
            "lost": row["lost"] or 0,
            "with_cause": row["with_cause"] or 0,
            "atonement": row["atonement"],
            "follow_ups": follow_ups,
            "satisfaction_avg": row["satisfaction_sum"] / follow_ups if follow_ups else None,
            "satisfied": row["satisfied"] or 0,
            "close_p50": percentile(counts, 0.5),
            "close_p90": percentile(counts, 0.9),
        }

    def backlog_values(self, open_now: int) -> tuple[list[date], dict[str, Any]]:
        """Complaints open at the end of each week: those open now, less those received since, plus those
        closed since (a complaint is closed after it was received)."""
        received = self.weeks_after.get(Cohort.RECEIVED, [0] * BACKLOG_WEEKS)
        closed = self.weeks_after.get(Cohort.CLOSED, [0] * BACKLOG_WEEKS)
        return self.week_days, {f"week_{k}": open_now - received[k] + closed[k] for k in range(BACKLOG_WEEKS)}

    def survey_values(self) -> dict[str, Any]:
        row = self._headline(Cohort.SURVEYED)
        return {"surveys_sent": row["complaints"] or 0, "surveys_answered": row["answered"] or 0}

    def handler_values(self) -> list[dict[str, Any]]:
        """Per owner with complaints received or closed in the period, as `queries.handler_values`."""
        handlers: dict[int, dict[str, Any]] = {}
        for cohort in (Cohort.RECEIVED, Cohort.CLOSED):
            for r in self.sums.get((cohort, self.slice | HANDLER), []):
                row = handlers.setdefault(
                    r["handler_pk"],
                    {
                        "owner_id": r["handler_pk"],
                        "owner__first_name": r["first_name"],
                        "owner__last_name": r["last_name"],
                        "owner__username": r["username"],
                        "handled": 0,
                        "closed": 0,
                        "retained": 0,
                        "timed": 0,
                        "ontime": 0,
                        "follow_ups": 0,
                        "satisfaction_sum": 0,
                    },
                )
                _add_handling(row, cohort, r)
        for pk, row in handlers.items():
            sum_ = row.pop("satisfaction_sum")
            row["satisfaction_avg"] = sum_ / row["follow_ups"] if row["follow_ups"] else None
            row["apology_p50"] = percentile(_buckets(self.spans.get(("apology", pk), {})), 0.5)
        return list(handlers.values())

    def split_values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The handler table's figures for the complaints the registered split keeps, and for the others
        (as `queries.split_values`): the handlers' rows added up by side."""
        sides: dict[bool, dict[str, Any]] = {}
        for side in (True, False):
            sides[side] = dict.fromkeys(("handled", "closed", "retained", "timed", "ontime", "follow_ups"), 0)
            sides[side]["satisfaction_sum"] = 0
        for cohort in (Cohort.RECEIVED, Cohort.CLOSED):
            for r in self.sums.get((cohort, self.slice | HANDLER), []):
                _add_handling(sides[bool(r["split"])], cohort, r)
        for side, values in sides.items():
            total = values.pop("satisfaction_sum")
            values["satisfaction_avg"] = total / values["follow_ups"] if values["follow_ups"] else None
            values["apology_p50"] = percentile(_buckets(self.split_spans[side]), 0.5)
        return sides[True], sides[False]


def _add_all(counts: dict[Any, int], more: dict[str, int]) -> None:
    """Add a stored histogram ({"bucket": count}: JSON keys are text, and stay text until `_buckets`)."""
    get = counts.get
    for bucket, n in more.items():
        counts[bucket] = get(bucket, 0) + n


def _buckets(counts: dict[Any, int]) -> dict[int, int]:
    return {int(bucket): n for bucket, n in counts.items()}


def _add_handling(row: dict[str, Any], cohort: int, r: dict[str, Any]) -> None:
    """Add a roll-up row of a handler slice to the handler table's figures in `row`."""
    if cohort == Cohort.RECEIVED:
        row["handled"] += r["complaints"]
        row["timed"] += sum(r[f"timed_{s}"] for s in ON_TIME_FIELDS)
        row["ontime"] += sum(r[f"ontime_{s}"] for s in ON_TIME_FIELDS)
    else:
        row["closed"] += r["complaints"]
        row["retained"] += r["retained"]
        row["follow_ups"] += r["follow_ups"]
        row["satisfaction_sum"] += r["satisfaction_sum"]


def whole_months(start: date, end: date) -> list[date]:
    """The first days of the calendar months that lie wholly between `start` and `end`."""
    months = []
    month = start.replace(day=1) if start.day == 1 else next_month(start)
    while next_month(month) - timedelta(days=1) <= end:
        months.append(month)
        month = next_month(month)
    return months


def monthly_counts(span: DashboardFilters) -> tuple[dict[date, int], dict[date, dict[str, int]]]:
    """Complaints received, and closed (and retained), per calendar month of `span`: one query over the day
    rows (a year of them is a few hundred rows; the month rows may be stale)."""
    narrowed = narrowing(span)
    conditions = {column: narrowed[bit] for bit, column in _NARROWING_COLUMNS if bit in narrowed}
    rows = (
        DailyFigures.objects.filter(
            cohort__in=(Cohort.RECEIVED, Cohort.CLOSED),
            slice=sum(narrowed),
            month=False,
            day__gte=span.start,
            day__lte=span.end,
        )
        .filter(**conditions)
        .annotate(first_day=TruncMonth("day"))
        .values("cohort", "first_day")
        .annotate(n=Sum("complaints"), kept=Sum("retained"))
        .order_by()
    )
    received: dict[date, int] = {}
    closed: dict[date, dict[str, int]] = {}
    for row in rows:
        if row["cohort"] == Cohort.RECEIVED:
            received[row["first_day"]] = row["n"]
        else:
            closed[row["first_day"]] = {"n": row["n"], "retained": row["kept"]}
    return received, closed


def customers_counted_once(filters: DashboardFilters) -> dict[str, Any]:
    """Customers kept and lost among the complaints closed in the period, each counted once: a count of
    distinct customers cannot be added up by day, so it is counted from the complaints."""
    return closed_in(filters).aggregate(
        retained_customers=Count("customer_id", distinct=True, filter=Q(outcome=Outcome.RETAINED)),
        lost_customers=Count("customer_id", distinct=True, filter=Q(outcome=Outcome.LOST)),
    )
