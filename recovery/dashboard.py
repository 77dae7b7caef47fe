"""The managers' dashboard: every figure defined here, once, with the sentence that explains it.

`dashboard_for(filters, now=...)` returns the figures, cached for DASHBOARD_CACHE_SECONDS (never
more than five minutes) per set of filters; `dashboard_compute` does the work in a fixed number
of queries whatever the data size: one aggregate per family of figures, each a single scan that
the indexes on received_at, closed_at, (stage, step_due_at) and (customer, received_at) narrow.

Three groups of complaints ("cohorts") feed the figures, and each figure's link opens the
complaint list filtered to its cohort, so a figure and its list always count the same rows:
- received in the period (volume, speed of the first steps, on-time, repeats, effort, handlers);
- closed in the period (outcome, time to close, satisfaction, atonement cost, root causes);
- open now (stages, escalations, overdue steps), whatever the period.
The period runs from local midnight at the start of `start` to local midnight after `end`.

Medians and 90th percentiles use PostgreSQL's `percentile_cont`. Other databases (SQLite, for
the local demo) get the same numbers computed in Python from the durations, a few more queries.
"""

from __future__ import annotations

import logging
import operator
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Expression,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from common.localtime import local_midnight
from common.money import format_money
from common.people import display_name_from
from customers.models import CustomerGroup
from recovery.definitions import REPEAT_WINDOW, escalated, is_repeat, normalised_cause, open_at, overdue
from recovery.facts import ON_TIME_FIELDS
from recovery.models import OPEN_STAGES, STEPS, Category, Complaint, Outcome, Stage, Survey

DEFAULT_DAYS = 90
BACKLOG_WEEKS = 12
PARETO_TOP = 10
TREND_MONTHS = 12

logger = logging.getLogger(__name__)

# Figures older than this are never shown, whatever DASHBOARD_CACHE_SECONDS says.
MAX_AGE = timedelta(minutes=5)
CACHE_VERSION = 1
NO_VALUE = "—"
# The figures that count complaints: their list shows exactly that many.
COUNT_FIGURES = frozenset({"received", "closed", "open_now", "escalated_now", "overdue_now"})


@dataclass(frozen=True)
class Metric:
    label: str
    explanation: str


# Every figure on the dashboard, its label and the one line that says what it counts.
METRICS: dict[str, Metric] = {
    "received": Metric("Complaints received", "Complaints received in the period."),
    "open_now": Metric("Open now", "Complaints not yet closed, right now, by the step they wait for."),
    "closed": Metric("Closed", "Complaints closed in the period."),
    "backlog": Metric("Backlog trend", "Complaints open at the end of each of the last 12 weeks of the period."),
    "time_to_apologize": Metric(
        "Time to apologize", "From receipt to the apology (first round), for complaints received in the period."
    ),
    "time_to_reinstate": Metric(
        "Time to reinstate",
        "From receipt to reinstating the customer (first round; skips left out), complaints received in the period.",
    ),
    "time_to_close": Metric("Time to close", "From receipt to close, for complaints closed in the period."),
    "on_time": Metric(
        "Steps done on time",
        "Steps done by their due time, of all steps done for complaints received in the period (skips left out).",
    ),
    "recovery_rate": Metric(
        "Recovery rate", "Complaints closed in the period whose customer stayed with us (outcome retained)."
    ),
    "satisfaction": Metric(
        "Satisfaction after follow-up",
        "Average score (1–5) the customer gave at the follow-up, for complaints closed in the period.",
    ),
    "satisfied_share": Metric(
        "Satisfied (4–5)", "Share of those follow-ups scoring 4 or 5, for complaints closed in the period."
    ),
    "survey_response": Metric("Survey response rate", "Surveys answered, of the surveys sent in the period."),
    "repeat_rate": Metric(
        "Repeat complaints",
        "Complaints received in the period from a customer who had another complaint received in the "
        f"{REPEAT_WINDOW.days} days before.",
    ),
    "escalated_now": Metric(
        "Escalated, open",
        "Open complaints escalated to a manager, or whose current step is overdue past the grace before "
        "managers are alerted, right now.",
    ),
    "overdue_now": Metric("Overdue steps", "Open complaints whose current step is past its due time, right now."),
    "atonement_cost": Metric("Atonement cost", "Value of the atonements given, for complaints closed in the period."),
    "cost_per_recovered": Metric(
        "Cost per recovered customer", "Atonement cost divided by the customers retained in the period."
    ),
    "minutes_per_complaint": Metric(
        "Minutes invested per complaint", "Minutes recorded on all steps ÷ complaints received in the period."
    ),
    "by_group": Metric("By customer group", "Complaints received in the period, by the customer's group."),
    "by_category": Metric(
        "By category (Pareto)",
        "Complaints received in the period by category, most frequent first; the line is the running share.",
    ),
    "root_causes": Metric(
        "Most frequent root causes",
        "Root causes recorded at closing (grouped ignoring case and outer spaces), complaints closed in the period; "
        "running share of all recorded causes.",
    ),
    "handlers": Metric(
        "Handlers",
        "Per owner: complaints received in the period, their median time to apologize and on-time rate; "
        "recovery rate and satisfaction of their complaints closed in the period.",
    ),
    "word_of_mouth": Metric(
        "Word of mouth (estimate)",
        "Customers lost in the period × the people each is assumed to tell (WORD_OF_MOUTH_FACTOR). An estimate.",
    ),
}


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """What the figures are about: a period of whole local days and optional narrowing."""

    start: date
    end: date
    group: str = ""
    severity: str = ""
    category_id: int | None = None
    handler_id: int | None = None

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def cache_key(self) -> str:
        parts = (self.start, self.end, self.group, self.severity, self.category_id, self.handler_id)
        return f"dashboard:v{CACHE_VERSION}:" + ":".join("" if p is None else str(p) for p in parts)

    def list_params(self) -> dict[str, str]:
        """Return the complaint list's parameters for the narrowing (not the period)."""
        params = {"group": self.group, "severity": self.severity, "category": self.category_id or ""}
        params["owner"] = self.handler_id or ""
        return {name: str(value) for name, value in params.items() if value}

    def complaint_q(self, prefix: str = "") -> Q:
        """Return the narrowing as a condition on complaints (`prefix` reaches them from another model)."""
        condition = Q()
        if self.group:
            condition &= Q(**{f"{prefix}customer__group": self.group})
        if self.severity:
            condition &= Q(**{f"{prefix}severity": self.severity})
        if self.category_id:
            condition &= Q(**{f"{prefix}category_id": self.category_id})
        if self.handler_id:
            condition &= Q(**{f"{prefix}owner_id": self.handler_id})
        return condition


def default_filters(now: datetime) -> DashboardFilters:
    """Return the last DEFAULT_DAYS days, today included."""
    today = timezone.localdate(now)
    return DashboardFilters(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


def month_filters(month: date, base: DashboardFilters | None = None) -> DashboardFilters:
    """Return the filters for the calendar month that contains `month` (narrowing kept from `base`)."""
    first = month.replace(day=1)
    last = next_month(first) - timedelta(days=1)
    return replace(base, start=first, end=last) if base else DashboardFilters(start=first, end=last)


def month_so_far(month: date, *, today: date) -> DashboardFilters:
    """Return the filters for the calendar month of `month`, ending today while that month is in progress."""
    filters = month_filters(month)
    return replace(filters, end=min(filters.end, today)) if filters.start <= today else filters


def next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number as shown: its value, how it reads, and the list of complaints it counts."""

    key: str
    value: float | None
    display: str
    url: str = ""
    detail: str = ""

    @property
    def label(self) -> str:
        return METRICS[self.key].label

    @property
    def is_count(self) -> bool:
        """Return True when the number is how many complaints its link lists (not a rate or a time)."""
        return self.key in COUNT_FIGURES

    @property
    def explanation(self) -> str:
        return METRICS[self.key].explanation


@dataclass(frozen=True)
class Row:
    """One labelled count of a breakdown (a stage, group, category, week or root cause)."""

    label: str
    count: int
    url: str = ""
    share: str = ""
    key: str = ""
    # The running share as a number for the charts (None when there is nothing to share out).
    share_value: float | None = None


@dataclass(frozen=True)
class HandlerRow:
    handler_id: int
    name: str
    handled: int
    handled_url: str
    apology_median: str
    on_time: str
    recovery_rate: str
    recovery_url: str
    satisfaction: str


@dataclass
class Dashboard:
    """Everything the dashboard page shows, computed at `computed_at` in `seconds`."""

    filters: DashboardFilters
    computed_at: datetime
    seconds: float = 0.0
    figures: dict[str, Figure] = field(default_factory=dict)
    open_by_stage: list[Row] = field(default_factory=list)
    backlog: list[Row] = field(default_factory=list)
    on_time_by_step: list[Figure] = field(default_factory=list)
    by_group: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    root_causes: list[Row] = field(default_factory=list)
    handlers: list[HandlerRow] = field(default_factory=list)
    # Raw values kept for comparisons (the monthly review) and tests.
    values: dict[str, Any] = field(default_factory=dict)

    def charts(self) -> dict[str, Any]:
        """Return the chart data (for json_script): the same numbers as the tables."""

        def series(rows: list[Row]) -> dict[str, Any]:
            return {"labels": [r.label for r in rows], "values": [r.count for r in rows], "urls": [r.url for r in rows]}

        pareto = series(self.by_category)
        pareto["cumulative"] = [r.share_value for r in self.by_category]
        return {"backlog": series(self.backlog), "groups": series(self.by_group), "categories": pareto}


# --- formatting ----------------------------------------------------------------------------------


def ratio(part: float | Decimal | None, whole: float | Decimal | None) -> float | None:
    """Return part / whole, or None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return float(part) / float(whole)


def percent(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value * 100:.0f}%"


def duration(value: timedelta | None) -> str:
    """Return a duration the way people say it: minutes, hours or days."""
    if value is None:
        return NO_VALUE
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{max(value.total_seconds() / 60, 0):.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def number(value: float | int | Decimal | None, places: int = 0) -> str:
    return NO_VALUE if value is None else f"{value:,.{places}f}"


def money(value: float | Decimal | None) -> str:
    return NO_VALUE if value is None else format_money(value)


def list_url(**params: Any) -> str:
    """Return the complaint list's address with these filters."""
    clean = {name: str(value) for name, value in params.items() if value not in (None, "")}
    return f"{reverse('complaint_list')}?{urlencode(clean)}" if clean else reverse("complaint_list")


# --- percentiles ---------------------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile: `percentile_cont(f) WITHIN GROUP (ORDER BY expr)`."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        # A float we chose, never user input: safe to put in the SQL text.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def _uses_percentile_cont(vendor: str) -> bool:
    return vendor == "postgresql"


def percentile_cont(values: Iterable[timedelta], fraction: float) -> timedelta | None:
    """Return the continuous percentile of `values` as PostgreSQL computes it (linear interpolation)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _span(start: str, end: str) -> Expression:
    return F(end) - F(start)


def _percentile_aggregates(vendor: str, name: str, expression: Any, condition: Q) -> dict[str, Any]:
    if not _uses_percentile_cont(vendor):
        return {}
    return {
        f"{name}_p50": Percentile(expression, 0.5, filter=condition, output_field=DurationField()),
        f"{name}_p90": Percentile(expression, 0.9, filter=condition, output_field=DurationField()),
    }


def _python_percentiles(
    vendor: str, values: dict[str, Any], name: str, queryset: QuerySet[Any], expression: Any, condition: Q
) -> None:
    """Fill `{name}_p50` and `_p90` from the durations themselves (databases without percentile_cont)."""
    if _uses_percentile_cont(vendor):
        return
    spans = [
        d for d in queryset.filter(condition).annotate(span=expression).values_list("span", flat=True) if d is not None
    ]
    values[f"{name}_p50"] = percentile_cont(spans, 0.5)
    values[f"{name}_p90"] = percentile_cont(spans, 0.9)


# --- the computation -----------------------------------------------------------------------------


ON_TIME = tuple(ON_TIME_FIELDS.values())


def _on_time_counts() -> dict[str, Any]:
    """Per step: complaints whose first-round step had a due time (timed_…) and was done by it (ontime_…)."""
    counts: dict[str, Any] = {}
    for step, column in ON_TIME_FIELDS.items():
        counts[f"timed_{step}"] = Count("pk", filter=Q(**{f"{column}__isnull": False}))
        counts[f"ontime_{step}"] = Count("pk", filter=Q(**{column: True}))
    return counts


def _summed(counts: Iterable[Any]) -> Any:
    """One SQL expression adding up the counts (the steps of one handler's complaints)."""
    return reduce(operator.add, counts)


def _complaints(filters: DashboardFilters) -> QuerySet[Complaint]:
    return Complaint.objects.order_by().filter(filters.complaint_q())


def _in_period(filters: DashboardFilters, column: str) -> Q:
    return Q(**{f"{column}__gte": filters.starts_at, f"{column}__lt": filters.ends_at})


@contextmanager
def _reporting_session() -> Iterator[None]:
    """Run the report's queries in one transaction tuned for them (PostgreSQL).

    They sort and aggregate up to a few hundred thousand rows: more sort memory keeps the per-handler
    medians off disk, and JIT compilation of these one-off plans costs more than it saves.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
        yield


def dashboard_compute(filters: DashboardFilters, *, now: datetime, vendor: str = "") -> Dashboard:
    """Compute every figure for `filters` (the "now" figures as of `now`) in a fixed number of queries.

    `vendor` picks how percentiles are computed (default: the database's own way); tests pass "sqlite"
    to run the Python path on PostgreSQL.
    """
    with _reporting_session():
        return _compute(filters, now=now, vendor=vendor or connection.vendor)


def _compute(filters: DashboardFilters, *, now: datetime, vendor: str) -> Dashboard:
    started = time.perf_counter()
    board = Dashboard(filters=filters, computed_at=now)
    narrowing = filters.list_params()
    received_range = {
        "received_from": filters.start.isoformat(),
        "received_to": filters.end.isoformat(),
        **narrowing,
    }
    closed_range = {"closed_from": filters.start.isoformat(), "closed_to": filters.end.isoformat(), **narrowing}
    complaints = _complaints(filters)
    received = complaints.filter(_in_period(filters, "received_at"))
    closed = complaints.filter(_in_period(filters, "closed_at"))
    v: dict[str, Any] = {}

    # 1. Complaints received in the period: how many, from whom, how many repeats.
    # The step figures read the facts the workflow keeps on each complaint (recovery/facts.py), so this
    # is one scan of the period's complaints, not a join with all their steps.
    apology_span = _span("received_at", "apologized_at")
    reinstate_span = _span("received_at", "reinstated_at")
    apologized = Q(apologized_at__isnull=False)
    reinstated = Q(reinstated_at__isnull=False)
    v.update(
        received.aggregate(
            received=Count("pk"),
            repeats=Count("pk", filter=Q(is_repeat())),
            minutes=Sum("minutes_total"),
            **{f"group_{group}": Count("pk", filter=Q(customer__group=group)) for group in CustomerGroup.values},
            **_on_time_counts(),
            **_percentile_aggregates(vendor, "apology", apology_span, apologized),
            **_percentile_aggregates(vendor, "reinstate", reinstate_span, reinstated),
        )
    )
    _python_percentiles(vendor, v, "apology", received, apology_span, apologized)
    _python_percentiles(vendor, v, "reinstate", received, reinstate_span, reinstated)
    # 2. …and by category (3. the categories, so the empty ones show as 0).
    per_category = dict(received.values_list("category_id").annotate(n=Count("pk")).values_list("category_id", "n"))
    categories = Category.objects.order_by("name")
    if filters.category_id:
        categories = categories.filter(pk=filters.category_id)
    category_names = list(categories.values_list("pk", "name", "is_active"))

    # 4. Complaints closed in the period: outcomes, time to close, recorded root causes.
    close_span = _span("received_at", "closed_at")
    v.update(
        closed.aggregate(
            closed=Count("pk"),
            retained=Count("pk", filter=Q(outcome=Outcome.RETAINED)),
            lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
            retained_customers=Count("customer_id", distinct=True, filter=Q(outcome=Outcome.RETAINED)),
            lost_customers=Count("customer_id", distinct=True, filter=Q(outcome=Outcome.LOST)),
            with_cause=Count("pk", filter=~Q(root_cause="")),
            atonement=Sum("atonement_total"),
            follow_ups=Count("pk", filter=Q(satisfaction__isnull=False)),
            satisfaction_avg=Avg("satisfaction"),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
            **_percentile_aggregates(vendor, "close", close_span, Q()),
        )
    )
    _python_percentiles(vendor, v, "close", closed, close_span, Q())

    # 5. Open right now: by stage, escalated, overdue.
    v.update(
        complaints.filter(stage__in=OPEN_STAGES).aggregate(
            open_now=Count("pk"),
            escalated_now=Count("pk", filter=escalated(now)),
            overdue_now=Count("pk", filter=overdue(now)),
            **{f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in OPEN_STAGES},
        )
    )

    # 6. The backlog at the end of each of the last BACKLOG_WEEKS weeks of the period.
    week_days = [filters.end - timedelta(weeks=BACKLOG_WEEKS - 1 - k) for k in range(BACKLOG_WEEKS)]
    week_ends = [local_midnight(day + timedelta(days=1)) for day in week_days]
    v.update(
        complaints.filter(received_at__lt=week_ends[-1])
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=week_ends[0]))
        .aggregate(**{f"week_{k}": Count("pk", filter=open_at(end)) for k, end in enumerate(week_ends)})
    )

    # 8. Surveys sent in the period (their email accepted by the mail server), and how many were answered.
    v.update(
        Survey.objects.order_by()
        .filter(filters.complaint_q("complaint__"), _in_period(filters, "sent_at"))
        .aggregate(surveys_sent=Count("pk"), surveys_answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )

    # 9. The most frequent root causes. The Pareto chart is drawn by category, not by root cause: root
    # causes are typed freely, so one cause arrives in many wordings (in the demo data the ten most
    # frequent cover only half of those recorded, and a quarter of closed complaints have none), and a
    # Pareto chart whose bars are all about equal and whose line stops at 50% shows no "vital few".
    # Every complaint has exactly one category from a short fixed list, so the category bars add up to
    # 100%. The root causes (grouped by their lower-cased, trimmed text) are listed next to the chart
    # and, with their corrective actions, in the monthly review.
    causes = list(
        closed.exclude(root_cause="")
        .annotate(cause=normalised_cause())
        .values("cause")
        .annotate(n=Count("pk"))
        .order_by("-n", "cause")
        .values_list("cause", "n")[:PARETO_TOP]
    )

    # 10. Per handler: complaints owned (received / closed in the period), their speed, on-time and satisfaction.
    received_p = _in_period(filters, "received_at")
    closed_p = _in_period(filters, "closed_at")
    handler_rows = list(
        complaints.filter(received_p | closed_p)
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(
            handled=Count("pk", filter=received_p),
            closed=Count("pk", filter=closed_p),
            retained=Count("pk", filter=closed_p & Q(outcome=Outcome.RETAINED)),
            timed=reduce(
                operator.add, (Count("pk", filter=received_p & Q(**{f"{c}__isnull": False})) for c in ON_TIME)
            ),
            ontime=reduce(operator.add, (Count("pk", filter=received_p & Q(**{c: True})) for c in ON_TIME)),
            satisfaction_avg=Avg("satisfaction", filter=closed_p),
            **(
                {
                    "apology_p50": Percentile(
                        apology_span, 0.5, filter=received_p & apologized, output_field=DurationField()
                    )
                }
                if _uses_percentile_cont(vendor)
                else {}
            ),
        )
    )
    if not _uses_percentile_cont(vendor):
        spans: dict[int, list[timedelta]] = {}
        for owner_id, span in received.filter(apologized).annotate(span=apology_span).values_list("owner_id", "span"):
            spans.setdefault(owner_id, []).append(span)
        for row in handler_rows:
            row["apology_p50"] = percentile_cont(spans.get(row["owner_id"], []), 0.5)

    # --- turn the values into figures ---
    figures = board.figures

    def add(key: str, value: float | None, display: str, url: str = "", detail: str = "") -> None:
        figures[key] = Figure(key=key, value=value, display=display, url=url, detail=detail)

    received_url = list_url(**received_range)
    closed_url = list_url(**closed_range)
    add("received", v["received"], number(v["received"]), received_url)
    add("closed", v["closed"], number(v["closed"]), closed_url)
    add("open_now", v["open_now"], number(v["open_now"]), list_url(stage="open", **narrowing))
    add(
        "escalated_now",
        v["escalated_now"],
        number(v["escalated_now"]),
        list_url(stage="open", escalated="on", **narrowing),
    )
    add("overdue_now", v["overdue_now"], number(v["overdue_now"]), list_url(overdue="on", **narrowing))
    add(
        "time_to_apologize",
        _seconds(v.get("apology_p50")),
        duration(v.get("apology_p50")),
        received_url,
        f"90% within {duration(v.get('apology_p90'))}",
    )
    add(
        "time_to_reinstate",
        _seconds(v.get("reinstate_p50")),
        duration(v.get("reinstate_p50")),
        received_url,
        f"90% within {duration(v.get('reinstate_p90'))}",
    )
    add(
        "time_to_close",
        _seconds(v.get("close_p50")),
        duration(v.get("close_p50")),
        closed_url,
        f"90% within {duration(v.get('close_p90'))}",
    )
    recovery = ratio(v["retained"], v["closed"])
    add(
        "recovery_rate",
        recovery,
        percent(recovery),
        list_url(outcome=Outcome.RETAINED, **closed_range),
        f"{v['retained']} of {v['closed']} closed",
    )
    satisfaction = float(v["satisfaction_avg"]) if v["satisfaction_avg"] is not None else None
    add(
        "satisfaction",
        satisfaction,
        NO_VALUE if satisfaction is None else f"{satisfaction:.1f}",
        closed_url,
        f"from {v['follow_ups']} follow-ups",
    )
    satisfied = ratio(v["satisfied"], v["follow_ups"])
    add("satisfied_share", satisfied, percent(satisfied), closed_url, f"{v['satisfied']} of {v['follow_ups']}")
    response = ratio(v["surveys_answered"], v["surveys_sent"])
    add(
        "survey_response",
        response,
        percent(response),
        "",
        f"{v['surveys_answered']} of {v['surveys_sent']} sent",
    )
    repeat = ratio(v["repeats"], v["received"])
    add(
        "repeat_rate",
        repeat,
        percent(repeat),
        list_url(repeat="yes", **received_range),
        f"{v['repeats']} of {v['received']}",
    )
    atonement = v["atonement"] or Decimal("0")
    add("atonement_cost", float(atonement), money(atonement), closed_url)
    per_customer = ratio(atonement, v["retained_customers"])
    add(
        "cost_per_recovered",
        per_customer,
        money(per_customer),
        list_url(outcome=Outcome.RETAINED, **closed_range),
        f"{v['retained_customers']} customers retained",
    )
    minutes = ratio(v["minutes"] or 0, v["received"])
    add("minutes_per_complaint", minutes, number(minutes, 0), received_url)
    factor = settings.WORD_OF_MOUTH_FACTOR
    add(
        "word_of_mouth",
        v["lost_customers"] * factor,
        f"≈ {number(v['lost_customers'] * factor)}",
        list_url(outcome=Outcome.LOST, **closed_range),
        f"{v['lost_customers']} lost customers × {factor}",
    )
    timed_total = sum(v[f"timed_{s}"] for s in STEPS)
    on_time = ratio(sum(v[f"ontime_{s}"] for s in STEPS), timed_total)
    add("on_time", on_time, percent(on_time), received_url, f"of {timed_total} steps with a due time")
    for step in STEPS:
        share = ratio(v[f"ontime_{step}"], v[f"timed_{step}"])
        board.on_time_by_step.append(
            Figure(
                key="on_time",
                value=share,
                display=percent(share),
                url=received_url,
                detail=f"{Stage(step).label}: {v[f'ontime_{step}']} of {v[f'timed_{step}']}",
            )
        )

    board.open_by_stage = [
        Row(Stage(stage).label, v[f"stage_{stage}"], list_url(stage=stage, **narrowing)) for stage in OPEN_STAGES
    ]
    board.backlog = [
        Row(day.strftime("%d %b"), v[f"week_{k}"], list_url(open_on=day.isoformat(), **narrowing))
        for k, day in enumerate(week_days)
    ]
    groups = [g for g in CustomerGroup if not filters.group or g == filters.group]
    board.by_group = [
        Row(g.label, v[f"group_{g.value}"], list_url(**{**received_range, "group": g.value})) for g in groups
    ]
    # Most frequent first (the Pareto order), then by name; the share is cumulative.
    shown_categories = sorted(
        ((name, per_category.get(pk, 0), pk) for pk, name, active in category_names if active or per_category.get(pk)),
        key=lambda item: (-item[1], item[0]),
    )
    running = 0
    for name, count, pk in shown_categories:
        running += count
        cumulative = ratio(running, v["received"])
        board.by_category.append(
            Row(
                name,
                count,
                list_url(**{**received_range, "category": pk}),
                percent(cumulative),
                share_value=_percentage(cumulative),
            )
        )
    running = 0
    for cause, count in causes:
        running += count
        cumulative = ratio(running, v["with_cause"])
        board.root_causes.append(
            Row(
                cause[:1].upper() + cause[1:],
                count,
                list_url(cause=cause, **closed_range),
                percent(cumulative),
                key=cause,
                share_value=_percentage(cumulative),
            )
        )
    board.handlers = sorted(
        (_handler_row(row, received_range, closed_range) for row in handler_rows),
        key=lambda h: (h.name.lower(), h.handler_id),
    )
    v["week_days"] = week_days
    board.values = v
    board.seconds = time.perf_counter() - started
    return board


def _percentage(share: float | None) -> float | None:
    """Return a share as the rounded percentage the charts plot, None staying None (a gap, not 0)."""
    return None if share is None else round(share * 100, 1)


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _handler_row(row: Mapping[str, Any], received_range: dict[str, str], closed_range: dict[str, str]) -> HandlerRow:
    name = display_name_from(
        username=row["owner__username"], first_name=row["owner__first_name"], last_name=row["owner__last_name"]
    )
    owner = str(row["owner_id"])
    satisfaction = row.get("satisfaction_avg")
    return HandlerRow(
        handler_id=row["owner_id"],
        name=name,
        handled=row["handled"],
        handled_url=list_url(**{**received_range, "owner": owner}),
        apology_median=duration(row.get("apology_p50")),
        on_time=percent(ratio(row.get("ontime"), row.get("timed"))),
        recovery_rate=percent(ratio(row["retained"], row["closed"])),
        recovery_url=list_url(**{**closed_range, "owner": owner}),
        satisfaction=NO_VALUE if satisfaction is None else f"{satisfaction:.1f}",
    )


def cache_seconds() -> int:
    return min(int(settings.DASHBOARD_CACHE_SECONDS), int(MAX_AGE.total_seconds()))


def cache_is_shared() -> bool:
    """Return True when the cache is one every process reads (Redis via CACHE_URL), not each process's own."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], (LocMemCache, DummyCache))


def dashboard_refresh(filters: DashboardFilters | None = None, *, now: datetime | None = None) -> Dashboard | None:
    """Compute the figures for `filters` (default: the default view) now and cache them.

    Beat runs this for the default view a little more often than the cache expires, so a manager
    opening the dashboard gets figures at most DASHBOARD_CACHE_SECONDS old without waiting for them.
    Only a shared cache is warmed: without CACHE_URL the worker's cache is its own memory, which no
    web process reads, so computing the figures there would only load the database.
    """
    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return None
    if not cache_is_shared():
        logger.info("Dashboard not warmed: the cache is this process's own memory; set CACHE_URL to share one.")
        return None
    filters = filters or default_filters(now)
    board = dashboard_compute(filters, now=now)
    cache.set(filters.cache_key(), board, timeout=seconds)
    return board


def dashboard_for(filters: DashboardFilters, *, now: datetime | None = None) -> Dashboard:
    """Return the figures for `filters`, from the cache when they are recent enough, else fresh ones."""
    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return dashboard_compute(filters, now=now)
    key = filters.cache_key()
    cached = cache.get(key)
    # The age is checked here too: the cache's own expiry runs on the cache server's clock.
    if isinstance(cached, Dashboard) and timedelta(0) <= now - cached.computed_at < timedelta(seconds=seconds):
        return cached
    board = dashboard_compute(filters, now=now)
    cache.set(key, board, timeout=seconds)
    return board


# --- the monthly review --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    month: date
    received: int
    closed: int
    recovery_rate: str
    recovery_value: float | None


def monthly_trend(filters: DashboardFilters, *, last_month: date, months: int = TREND_MONTHS) -> list[TrendRow]:
    """Return received, closed and recovery rate for the `months` calendar months up to `last_month`."""
    first = last_month.replace(day=1)
    for _ in range(months - 1):
        first = previous_month(first)
    span = replace(month_filters(last_month, filters), start=first)
    complaints = _complaints(filters)
    received = dict(
        complaints.filter(_in_period(span, "received_at"))
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    closed = {
        row["month"]: row
        for row in complaints.filter(_in_period(span, "closed_at"))
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("pk"), retained=Count("pk", filter=Q(outcome=Outcome.RETAINED)))
    }
    by_day = {_as_date(k): n for k, n in received.items()}
    closed_by_day = {_as_date(k): row for k, row in closed.items()}
    rows = []
    month = first
    while month <= last_month:
        done = closed_by_day.get(month, {"n": 0, "retained": 0})
        rate = ratio(done["retained"], done["n"])
        rows.append(TrendRow(month, by_day.get(month, 0), done["n"], percent(rate), rate))
        month = next_month(month)
    return rows


def _as_date(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def corrective_actions(filters: DashboardFilters, causes: list[str], *, limit: int = 5) -> dict[str, list[str]]:
    """Return, for each normalised root cause, the distinct corrective actions recorded in the period."""
    found: dict[str, list[str]] = {cause: [] for cause in causes}
    if not causes:
        return found
    rows = (
        _complaints(filters)
        .filter(_in_period(filters, "closed_at"))
        .exclude(corrective_action="")
        .annotate(cause=normalised_cause())
        .filter(cause__in=causes)
        .values_list("cause", "corrective_action")
        .distinct()
        .order_by("cause", "corrective_action")
    )
    for cause, action in rows:
        if len(found[cause]) < limit and action.strip() not in found[cause]:
            found[cause].append(action.strip())
    return found
