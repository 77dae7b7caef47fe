# ruff: noqa: S608 - SQL built only from our own table, column and step names; values are parameters
"""Recompute the roll-up: the days that changes touched (`apply_changes`), or every day (`rebuild`).

A day's figures for a cohort are always recomputed whole from the complaints, never adjusted by a
difference, so the roll-up cannot drift: whatever changed a row, its trigger recorded a `FiguresChange`,
and the days it names are counted again. What a day holds is defined by the same words as everywhere
(`recovery.definitions.is_repeat`, the facts the workflow keeps on each complaint, recovery/facts.py),
read by a query built with the ORM; the SQL here only adds up its rows by day and slice.

One refresher at a time (a transaction-level advisory lock): two refreshing one day at once would each
delete what they can see and insert their own copy.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from common.localtime import local_midnight
from recovery.definitions import REPEAT_WINDOW, is_repeat, normalised_cause
from recovery.facts import ON_TIME_FIELDS
from recovery.models import Complaint, Outcome, Survey
from recovery.rollup import splits
from recovery.rollup.histogram import bucket_sql
from recovery.rollup.models import (
    APOLOGY_SLICES,
    HANDLER,
    NARROWINGS,
    SINGLE_SLICES,
    SLICES,
    Cohort,
    DailyCauses,
    DailyFigures,
    DailyTimes,
    FiguresChange,
    RollupState,
    StaleMonth,
)

LOCK_KEY = zlib.crc32(b"recovery.rollup")
# The source columns a slice splits by, in the order of their bits (models.NARROWINGS).
DIMENSIONS = ("grp", "sev", "cat", "own")
KEY_COLUMNS = ("day", "slice", "customer_group", "severity", "category_pk", "handler_pk", "split")


def enabled() -> bool:
    """The roll-up is kept on PostgreSQL only (its triggers are PostgreSQL's)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Applied:
    built: bool  # False: the roll-up was never counted (rebuild_dashboard_facts); nothing was folded in
    changes: int = 0
    days: int = 0
    # When another process was folding changes in (and `wait` was False): the time of the oldest change the
    # roll-up does not hold yet. The figures read now are as of then.
    pending_since: datetime | None = None
    # Months whose month rows lag their days (StaleMonth): their day rows are to be read instead.
    stale_months: frozenset[date] = frozenset()


def apply_changes(*, wait: bool = True) -> Applied:
    """Fold the recorded changes into the roll-up: recompute every (cohort, day) they touch. Two queries
    when there are changes, one when there are none.

    One refresher at a time: with `wait` (beat, commands), wait for the one at work, and add up the months
    touched or left stale; without (a page being shown), leave the work to the one at work and say since
    when the roll-up lacks changes (`Applied.pending_since`), or fold the changes into the days only and
    leave their months stale (`Applied.stale_months`): adding up a month takes a second or so.
    """
    if not enabled():
        return Applied(built=False)
    with transaction.atomic(), connection.cursor() as cursor:
        # The lock, then the claim, in one round trip (the rows are the last statement's): the claim is a
        # statement of its own, so it reads the changes committed by whoever held the lock before. JIT off:
        # compiling the recount's one-off plan would take seconds (its estimates are large), running it ms.
        lock = "pg_advisory_xact_lock(%(lock)s)::text" if wait else "pg_try_advisory_xact_lock(%(lock)s)::text"
        cursor.execute(
            f"SELECT set_config('caredesk.rollup_locked', COALESCE(NULLIF({lock}, ''), 'true'), true), "
            "set_config('jit', 'off', true), set_config('work_mem', '64MB', true);\n"
            f"{_CLAIM_SQL}",
            _claim_params(),
        )
        rows = cursor.fetchall()
        built, changes, pending_since, stale_text = rows[0][2], rows[0][3], rows[0][4], rows[0][5]
        days: dict[int, set[date]] = {}
        for cohort, day, *_ in rows:
            if day is not None:
                days.setdefault(cohort, set()).add(day)
        stale = {(int(c), date.fromisoformat(m)) for c, m in (item.split(":") for item in stale_text or [])}
        if wait and (days or stale):
            _recompute(days, months=stale)
            stale = set()
        elif days:
            _recompute(days, months=None)
            stale |= {(cohort, day.replace(day=1)) for cohort, cohort_days in days.items() for day in cohort_days}
    return Applied(
        built=bool(built),
        changes=changes,
        days=sum(len(d) for d in days.values()),
        pending_since=pending_since,
        stale_months=frozenset(month for _, month in stale),
    )


def rebuild() -> int:
    """Recompute the whole roll-up from the complaints (after a restore, a data fix or a bulk load).
    Return the number of rows written."""
    if not enabled():
        return 0
    with transaction.atomic():
        _lock()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)")
            tables = (DailyFigures, DailyTimes, DailyCauses, FiguresChange, StaleMonth)
            cursor.execute("TRUNCATE " + ", ".join(model._meta.db_table for model in tables))
        _recompute(None, months=set())
        RollupState.objects.update_or_create(pk=1, defaults={"built_at": timezone.now()})
    return DailyFigures.objects.count()


def _claim_params() -> dict[str, Any]:
    return {"lock": LOCK_KEY, "tz": settings.TIME_ZONE, "window": REPEAT_WINDOW}


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# The changes claimed (deleted, under the lock) and the (cohort, day) pairs they touch, with their number
# on every row. A complaint touches the day it was received and the day it was closed (before and after
# the change), the days of the complaints it may make repeats (the same customer's, received up to
# REPEAT_WINDOW after it) and the days its surveys were sent (its narrowing may have changed); a survey
# the day it was sent.
_CLAIM_SQL = """
WITH state AS (
  SELECT NOT EXISTS (SELECT 1 FROM recovery_rollupstate WHERE built_at IS NULL) AS built,
         current_setting('caredesk.rollup_locked')::boolean AS locked
), claimed AS (
  DELETE FROM recovery_figureschange WHERE (SELECT built AND locked FROM state)
  RETURNING complaint_id, customer_id, received_at, closed_at, sent_at
), pending AS (
  SELECT CASE WHEN (SELECT locked FROM state) THEN NULL ELSE min(recorded_at) END AS since
  FROM recovery_figureschange
), touched AS (
  SELECT 1 AS cohort, (received_at AT TIME ZONE %(tz)s)::date AS day FROM claimed WHERE received_at IS NOT NULL
  UNION
  SELECT 1, (c.received_at AT TIME ZONE %(tz)s)::date FROM claimed m JOIN recovery_complaint c
    ON c.customer_id = m.customer_id AND c.received_at > m.received_at AND c.received_at <= m.received_at + %(window)s
  UNION
  SELECT 2, (closed_at AT TIME ZONE %(tz)s)::date FROM claimed WHERE closed_at IS NOT NULL
  UNION
  SELECT 3, (sent_at AT TIME ZONE %(tz)s)::date FROM claimed WHERE sent_at IS NOT NULL
  UNION
  SELECT 3, (s.sent_at AT TIME ZONE %(tz)s)::date FROM claimed m JOIN recovery_survey s
    ON s.complaint_id = m.complaint_id WHERE m.sent_at IS NULL AND s.sent_at IS NOT NULL
)
SELECT t.cohort, t.day, (SELECT built FROM state), (SELECT count(*) FROM claimed), (SELECT since FROM pending),
  (SELECT array_agg(cohort || ':' || month) FROM recovery_stalemonth)
FROM touched t
UNION ALL
SELECT NULL, NULL, (SELECT built FROM state), (SELECT count(*) FROM claimed), (SELECT since FROM pending),
  (SELECT array_agg(cohort || ':' || month) FROM recovery_stalemonth)
WHERE NOT EXISTS (SELECT 1 FROM touched)
"""


# --- what a day holds ---------------------------------------------------------------------------------


def _local(column: str) -> TruncDate:
    return TruncDate(column, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _on_days(column: str, days: Iterable[date] | None) -> Q:
    """Return "`column` falls on one of `days`" as index ranges, one per run of consecutive days."""
    if days is None:
        return Q()
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    ranges = [
        Q(**{f"{column}__gte": local_midnight(first), f"{column}__lt": local_midnight(last + timedelta(days=1))})
        for first, last in runs
    ]
    return reduce(or_, ranges)


def _span_bucket(end: str) -> RawSQL:
    table = Complaint._meta.db_table
    return RawSQL(bucket_sql(f'"{table}"."{end}" - "{table}"."received_at"'), [])  # noqa: S611 - our column names


def _narrowing(prefix: str = "") -> dict[str, Any]:
    return {
        "grp": F(f"{prefix}customer__group"),
        "sev": F(f"{prefix}severity"),
        "cat": F(f"{prefix}category_id"),
        "own": F(f"{prefix}owner_id"),
    }


def received_source(days: Iterable[date] | None) -> QuerySet[Any]:
    """One row per complaint received on `days` (None: all), with what the received cohort counts."""
    days = None if days is None else list(days)
    rows = Complaint.objects.order_by().filter(_on_days("received_at", days))
    rows = rows.annotate(day=_local("received_at"))
    if days is not None:
        rows = rows.filter(day__in=days)
    return rows.values(
        "day",
        **_narrowing(),
        spl=splits.split_condition(),
        rep=is_repeat(),
        minutes=F("minutes_total"),
        apology_bucket=_span_bucket("apologized_at"),
        reinstate_bucket=_span_bucket("reinstated_at"),
        **{f"on_time_{step}": F(column) for step, column in ON_TIME_FIELDS.items()},
    )


def closed_source(days: Iterable[date] | None) -> QuerySet[Any]:
    """One row per complaint closed on `days` (None: all), with what the closed cohort counts."""
    days = None if days is None else list(days)
    rows = Complaint.objects.order_by().filter(closed_at__isnull=False).filter(_on_days("closed_at", days))
    rows = rows.annotate(day=_local("closed_at"))
    if days is not None:
        rows = rows.filter(day__in=days)
    return rows.values(
        "day",
        "outcome",
        "satisfaction",
        **_narrowing(),
        spl=splits.split_condition(),
        cause=normalised_cause(),
        atonement=F("atonement_total"),
        close_bucket=_span_bucket("closed_at"),
    )


def surveyed_source(days: Iterable[date] | None) -> QuerySet[Any]:
    """One row per survey sent on `days` (None: all), with its complaint's narrowing."""
    days = None if days is None else list(days)
    rows = Survey.objects.order_by().filter(sent_at__isnull=False).filter(_on_days("sent_at", days))
    rows = rows.annotate(day=_local("sent_at"))
    if days is not None:
        rows = rows.filter(day__in=days)
    return rows.values(
        "day",
        **_narrowing("complaint__"),
        spl=Value(False, output_field=BooleanField()),
        was_answered=ExpressionWrapper(Q(answered_at__isnull=False), output_field=BooleanField()),
    )


# --- adding them up by day and slice ------------------------------------------------------------------

_SLICE = " + ".join(
    f"CASE WHEN GROUPING({d}) = 0 THEN {bit} ELSE 0 END" for d, bit in zip(DIMENSIONS, NARROWINGS, strict=True)
)
_KEYS = (
    "COALESCE(grp, '') AS customer_group, COALESCE(sev, '') AS severity, COALESCE(cat, 0) AS category_pk, "
    "COALESCE(own, 0) AS handler_pk, COALESCE(spl, false) AS split"
)
_KEY_LIST = ", ".join(KEY_COLUMNS)


def _sets(slices: Iterable[int]) -> str:
    """GROUPING SETS for `slices` (models.SLICES bits); a set with the handler also splits by `spl`."""
    sets = []
    for kept in slices:
        names = [d for d, bit in zip(DIMENSIONS, NARROWINGS, strict=True) if kept & bit]
        if kept & HANDLER:
            names.append("spl")
        sets.append("(" + ", ".join(names) + ")")
    return ", ".join(sets)


_RECEIVED_MEASURES = {
    "repeats": "count(*) FILTER (WHERE rep)",
    "minutes": "COALESCE(sum(minutes), 0)",
    **{f"timed_{step}": f"count(*) FILTER (WHERE on_time_{step} IS NOT NULL)" for step in ON_TIME_FIELDS},
    **{f"ontime_{step}": f"count(*) FILTER (WHERE on_time_{step})" for step in ON_TIME_FIELDS},
}
_CLOSED_MEASURES = {
    "retained": f"count(*) FILTER (WHERE outcome = '{Outcome.RETAINED.value}')",
    "lost": f"count(*) FILTER (WHERE outcome = '{Outcome.LOST.value}')",
    "with_cause": "count(*) FILTER (WHERE cause <> '')",
    "atonement": "COALESCE(sum(atonement), 0)",
    "follow_ups": "count(satisfaction)",
    "satisfaction_sum": "COALESCE(sum(satisfaction), 0)",
    "satisfied": "count(*) FILTER (WHERE satisfaction >= 4)",
}
_SURVEYED_MEASURES = {"answered": "count(*) FILTER (WHERE was_answered)"}
# Each cohort's step times: the DailyTimes column, the source's bucket column, the slices kept.
_TIMES: dict[Cohort, dict[str, tuple[str, tuple[int, ...]]]] = {
    Cohort.RECEIVED: {"apology": ("apology_bucket", APOLOGY_SLICES), "reinstate": ("reinstate_bucket", SINGLE_SLICES)},
    Cohort.CLOSED: {"close": ("close_bucket", SINGLE_SLICES)},
}
_TIME_COLUMNS = ("apology", "reinstate", "close")


class _Statement:
    """One SQL statement, built up as CTEs: the recount of some days, its deletions and inserts."""

    def __init__(self) -> None:
        self.ctes: list[str] = []
        self.params: list[Any] = []

    def add(self, name: str, sql: str, params: Iterable[Any] = ()) -> None:
        self.ctes.append(f"{name} AS ({sql})")
        self.params.extend(params)

    def run(self) -> None:
        if not self.ctes:
            return
        with connection.cursor() as cursor:
            cursor.execute("WITH " + ",\n".join(self.ctes) + "\nSELECT 1", self.params)


_MEASURE_COLUMNS = (*_RECEIVED_MEASURES, *_CLOSED_MEASURES, *_SURVEYED_MEASURES)
_FIGURE_COLUMNS = ("cohort", *KEY_COLUMNS, "complaints", *_MEASURE_COLUMNS)
_TIME_ROW_COLUMNS = ("cohort", *KEY_COLUMNS, *_TIME_COLUMNS)
_MONTH_KEYS = "cohort, month_day, slice, customer_group, severity, category_pk, handler_pk, split"
_MONTH_OF = "date_trunc('month', d.day)::date AS month_day, d.slice, d.customer_group, d.severity, d.category_pk, d.handler_pk, d.split"  # noqa: E501


def _figures(st: _Statement, cohort: Cohort, source: str, measures: dict[str, str], slices: Iterable[int]) -> str:
    """Add the CTE of the cohort's new day rows of DailyFigures (every measure column; 0 where not counted)."""
    selected = ", ".join(f"{measures.get(name, '0')} AS {name}" for name in _MEASURE_COLUMNS)
    name = f"figures_{cohort}"
    st.add(
        name,
        f"SELECT {int(cohort)} AS cohort, day, {_SLICE} AS slice, {_KEYS}, count(*) AS complaints, {selected} "
        f"FROM {source} GROUP BY day, GROUPING SETS ({_sets(slices)})",
    )
    return name


def _times(st: _Statement, cohort: Cohort, source: str) -> str:
    """Add the CTEs of the cohort's day histograms; return the name of the one with its DailyTimes rows."""
    names = []
    for column, (bucket, slices) in _TIMES[cohort].items():
        name = f"hist_{cohort}_{column}"
        st.add(
            name,
            f"SELECT {_KEY_LIST}, jsonb_object_agg(b, n) AS h FROM ("
            f"SELECT day, {_SLICE} AS slice, {_KEYS}, {bucket} AS b, count(*) AS n FROM {source} "
            f"WHERE {bucket} IS NOT NULL GROUP BY day, {bucket}, GROUPING SETS ({_sets(slices)})"
            f") AS counted GROUP BY {_KEY_LIST}",
        )
        names.append((column, name))
    keys = " UNION ".join(f"SELECT {_KEY_LIST} FROM {name}" for _, name in names)
    joins = " ".join(f"LEFT JOIN {name} USING ({_KEY_LIST})" for _, name in names)
    values = [
        next((f"{name}.h" for c, name in names if c == column), "NULL::jsonb") + f" AS {column}"
        for column in _TIME_COLUMNS
    ]
    rows = f"times_{cohort}"
    st.add(rows, f"SELECT {int(cohort)} AS cohort, {_KEY_LIST}, {', '.join(values)} FROM ({keys}) AS k {joins}")
    return rows


def _causes(st: _Statement, source: str) -> None:
    columns = ", ".join(["cohort", *KEY_COLUMNS, "cause", "complaints"])
    st.add(
        "causes",
        f"INSERT INTO {DailyCauses._meta.db_table} ({columns}) "
        f"SELECT {int(Cohort.CLOSED)}, day, {_SLICE} AS slice, {_KEYS}, cause, count(*) FROM {source} "
        f"WHERE cause <> '' GROUP BY day, cause, GROUPING SETS ({_sets(SINGLE_SLICES)}) RETURNING 1",
    )


def _day_rows(st: _Statement, model: type[Any], new: list[str], columns: Iterable[str], *, kept: str) -> str:
    """Insert the new day rows (CTEs `new`) into `model`'s table; return a CTE of every day row of the
    months to add up: the new ones and the table's own that `kept` keeps (the touched months' other days)."""
    table = model._meta.db_table
    listed = ", ".join(columns)
    for rows in new:
        st.add(f"insert_{rows}", f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {rows} RETURNING 1")
    every = " UNION ALL ".join(
        [f"SELECT {listed} FROM {rows}" for rows in new]
        + [f"SELECT {', '.join(f't.{c}' for c in columns)} FROM {table} AS t {kept}"]
    )
    name = f"days_of_{table}"
    st.add(name, every)
    return name


def _figure_months(st: _Statement, days: str) -> None:
    """Insert DailyFigures' month rows: the day rows (`days`) added up per month."""
    sums = ", ".join(f"sum(d.{c})" for c in ("complaints", *_MEASURE_COLUMNS))
    st.add(
        "figure_months",
        f"INSERT INTO {DailyFigures._meta.db_table} (month, cohort, day, slice, customer_group, severity, "
        f"category_pk, handler_pk, split, complaints, {', '.join(_MEASURE_COLUMNS)}) "
        f"SELECT true, d.cohort, {_MONTH_OF}, {sums} FROM {days} AS d GROUP BY 2, 3, 4, 5, 6, 7, 8, 9 RETURNING 1",
    )


def _time_months(st: _Statement, days: str) -> None:
    """Insert DailyTimes' month rows: the day rows' histograms (`days`) added up bucket by bucket per month."""
    for column in _TIME_COLUMNS:
        st.add(
            f"month_{column}",
            f"SELECT {_MONTH_KEYS}, jsonb_object_agg(bucket, n) AS h FROM ("
            f"SELECT d.cohort, {_MONTH_OF}, e.key AS bucket, sum(e.value::int) AS n "
            f"FROM {days} AS d CROSS JOIN LATERAL jsonb_each_text(d.{column}) AS e "
            f"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) AS summed GROUP BY {_MONTH_KEYS}",
        )
    keys = " UNION ".join(f"SELECT {_MONTH_KEYS} FROM month_{column}" for column in _TIME_COLUMNS)
    joins = " ".join(f"LEFT JOIN month_{column} AS m_{column} USING ({_MONTH_KEYS})" for column in _TIME_COLUMNS)
    st.add(
        "time_months",
        f"INSERT INTO {DailyTimes._meta.db_table} (month, cohort, day, slice, customer_group, severity, category_pk, "
        f"handler_pk, split, {', '.join(_TIME_COLUMNS)}) SELECT true, k.cohort, k.month_day, k.slice, "
        f"k.customer_group, k.severity, k.category_pk, k.handler_pk, k.split, "
        f"{', '.join(f'm_{c}.h' for c in _TIME_COLUMNS)} FROM ({keys}) AS k {joins} RETURNING 1",
    )


def _recompute(days: dict[int, set[date]] | None, *, months: set[tuple[int, date]] | None) -> None:
    """Delete and recount the figures of `days` ({cohort: days}; None: every day, on emptied tables).

    With `months` (a set, maybe empty), also add up again the months of those days and the (cohort, month)
    pairs given (the stale ones), and clear StaleMonth. With None, leave the days' months stale.

    One statement: the deletions and inserts are its data-modifying parts, which all see the tables as
    they were before it (so a deletion never meets the rows inserted, and a month is added up from its
    new day rows and its untouched ones).
    """

    def on(cohort: Cohort) -> Iterable[date] | None:
        return None if days is None else days.get(cohort)

    st = _Statement()
    sources = {
        Cohort.RECEIVED: received_source(on(Cohort.RECEIVED)),
        Cohort.CLOSED: closed_source(on(Cohort.CLOSED)),
        Cohort.SURVEYED: surveyed_source(on(Cohort.SURVEYED)),
    }
    measures = {
        Cohort.RECEIVED: _RECEIVED_MEASURES,
        Cohort.CLOSED: _CLOSED_MEASURES,
        Cohort.SURVEYED: _SURVEYED_MEASURES,
    }
    figure_rows, time_rows = [], []
    for cohort, source in sources.items():
        if days is not None and not days.get(cohort):
            continue
        sql, params = source.query.sql_with_params()
        st.add(f"src_{cohort}", sql, params)
        slices = SINGLE_SLICES if cohort == Cohort.SURVEYED else SLICES
        figure_rows.append(_figures(st, cohort, f"src_{cohort}", measures[cohort], slices))
        if cohort in _TIMES:
            time_rows.append(_times(st, cohort, f"src_{cohort}"))
        if cohort == Cohort.CLOSED:
            _causes(st, f"src_{cohort}")
    if days is None:
        kept = "WHERE false"
    else:
        pairs = [(cohort, day) for cohort, cohort_days in days.items() for day in cohort_days]
        st.add(
            "touched",
            "SELECT * FROM unnest(%s::smallint[], %s::date[]) AS d(cohort, day)",
            [[p[0] for p in pairs], [p[1] for p in pairs]],
        )
        stale = sorted(months or ())
        st.add(
            "touched_months",
            "SELECT cohort, date_trunc('month', day)::date AS day FROM touched "
            "UNION SELECT * FROM unnest(%s::smallint[], %s::date[])",
            [[c for c, _ in stale], [m for _, m in stale]],
        )
        # The touched months' other day rows, read through the (cohort, slice, month, day) index: each slice
        # of each touched month is a range of it.
        kept = (
            "JOIN touched_months AS m ON t.cohort = m.cohort AND t.day >= m.day "
            "AND t.day < (m.day + interval '1 month')::date "
            f"WHERE t.slice = ANY(ARRAY[{', '.join(str(bits) for bits in SLICES)}]) AND NOT t.month "
            "AND NOT EXISTS (SELECT 1 FROM touched AS d WHERE d.cohort = t.cohort AND d.day = t.day)"
        )
        for model in (DailyFigures, DailyTimes, DailyCauses):
            table = model._meta.db_table
            st.add(
                f"gone_{table}",
                f"DELETE FROM {table} AS f USING touched AS d "
                "WHERE NOT f.month AND f.cohort = d.cohort AND f.day = d.day RETURNING 1",
            )
            if model is not DailyCauses and months is not None:
                st.add(
                    f"gone_months_{table}",
                    f"DELETE FROM {table} AS f USING touched_months AS d "
                    "WHERE f.month AND f.cohort = d.cohort AND f.day = d.day RETURNING 1",
                )
        stale_table = StaleMonth._meta.db_table
        if months is None:
            st.add(
                "now_stale",
                f"INSERT INTO {stale_table} (cohort, month) SELECT cohort, day FROM touched_months "
                "ON CONFLICT (cohort, month) DO NOTHING RETURNING 1",
            )
        else:  # under the lock: no page is marking one meanwhile
            st.add("no_longer_stale", f"DELETE FROM {stale_table} RETURNING 1")
    figure_days = _day_rows(st, DailyFigures, figure_rows, _FIGURE_COLUMNS, kept=kept)
    time_days = _day_rows(st, DailyTimes, time_rows, _TIME_ROW_COLUMNS, kept=kept)
    if days is None or months is not None:
        _figure_months(st, figure_days)
        _time_months(st, time_days)
    st.run()
