"""The dashboard's queries: one aggregate per family of figures, in a fixed number whatever the data size.

Each is a single scan that the indexes on received_at, closed_at, (stage, step_due_at) and
(customer, received_at) narrow, and returns the raw values (counts, sums, durations) that
recovery.dashboard.compute turns into figures. Three groups of complaints ("cohorts") feed them:
received in the period, closed in the period, and open now whatever the period. What "repeat",
"escalated", "overdue" and "open at" mean is recovery.definitions' to say; these queries count with it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)

from common.localtime import local_midnight
from customers.models import CustomerGroup
from recovery.dashboard.filters import DashboardFilters
from recovery.dashboard.percentiles import (
    Percentile,
    percentile_aggregates,
    percentile_cont,
    python_percentiles,
    uses_percentile_cont,
)
from recovery.definitions import escalated, is_repeat, normalised_cause, open_at, overdue
from recovery.facts import ON_TIME_FIELDS
from recovery.models import OPEN_STAGES, Category, Complaint, Outcome, Survey

BACKLOG_WEEKS = 12
PARETO_TOP = 10

ON_TIME = tuple(ON_TIME_FIELDS.values())
APOLOGIZED = Q(apologized_at__isnull=False)
REINSTATED = Q(reinstated_at__isnull=False)


def complaints_for(filters: DashboardFilters) -> QuerySet[Complaint]:
    """Return the complaints the filters' narrowing keeps, whatever their dates."""
    return Complaint.objects.order_by().filter(filters.complaint_q())


def in_period(filters: DashboardFilters, column: str) -> Q:
    """Return "`column` falls in the filters' period" (local midnight to local midnight)."""
    return Q(**{f"{column}__gte": filters.starts_at, f"{column}__lt": filters.ends_at})


def received_in(filters: DashboardFilters) -> QuerySet[Complaint]:
    return complaints_for(filters).filter(in_period(filters, "received_at"))


def closed_in(filters: DashboardFilters) -> QuerySet[Complaint]:
    return complaints_for(filters).filter(in_period(filters, "closed_at"))


@contextmanager
def reporting_session() -> Iterator[None]:
    """Run the report's queries in one transaction tuned for them (PostgreSQL).

    They sort and aggregate up to a few hundred thousand rows: more sort memory keeps the per-handler
    medians off disk, and JIT compilation of these one-off plans costs more than it saves.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # SET LOCAL both, in one round trip (set_config(…, true) is SET LOCAL).
                cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        yield


def _span(start: str, end: str) -> Expression:
    return F(end) - F(start)


def _apology_span() -> Expression:
    return _span("received_at", "apologized_at")


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


def received_values(filters: DashboardFilters, *, vendor: str) -> dict[str, Any]:
    """Complaints received in the period: how many, from which group, repeats, minutes, steps on time, speed.

    The step figures read the facts the workflow keeps on each complaint (recovery/facts.py), so this
    is one scan of the period's complaints, not a join with all their steps.
    """
    received = received_in(filters)
    apology_span = _apology_span()
    reinstate_span = _span("received_at", "reinstated_at")
    values = received.aggregate(
        received=Count("pk"),
        repeats=Count("pk", filter=Q(is_repeat())),
        minutes=Sum("minutes_total"),
        **{f"group_{group}": Count("pk", filter=Q(customer__group=group)) for group in CustomerGroup.values},
        **_on_time_counts(),
        **percentile_aggregates(vendor, "apology", apology_span, APOLOGIZED),
        **percentile_aggregates(vendor, "reinstate", reinstate_span, REINSTATED),
    )
    python_percentiles(vendor, values, "apology", received, apology_span, APOLOGIZED)
    python_percentiles(vendor, values, "reinstate", received, reinstate_span, REINSTATED)
    return values


def category_counts(filters: DashboardFilters) -> dict[int, int]:
    """Return the complaints received in the period per category (pk: count)."""
    return dict(received_in(filters).values_list("category_id").annotate(n=Count("pk")).values_list("category_id", "n"))


def category_list(filters: DashboardFilters) -> list[tuple[int, str, bool]]:
    """Return the categories to show (pk, name, active): all of them, so the empty ones show as 0."""
    categories = Category.objects.order_by("name")
    if filters.category_id:
        categories = categories.filter(pk=filters.category_id)
    return list(categories.values_list("pk", "name", "is_active"))


def closed_values(filters: DashboardFilters, *, vendor: str) -> dict[str, Any]:
    """Complaints closed in the period: outcomes, customers kept and lost, time to close, satisfaction, cost."""
    closed = closed_in(filters)
    close_span = _span("received_at", "closed_at")
    values = closed.aggregate(
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
        **percentile_aggregates(vendor, "close", close_span, Q()),
    )
    python_percentiles(vendor, values, "close", closed, close_span, Q())
    return values


def open_now_values(filters: DashboardFilters, *, now: datetime) -> dict[str, Any]:
    """Complaints open right now: how many, escalated, overdue, and how many wait at each step."""
    open_now = complaints_for(filters).filter(stage__in=OPEN_STAGES)
    return open_now.aggregate(
        open_now=Count("pk"),
        escalated_now=Count("pk", filter=escalated(now)),
        overdue_now=Count("pk", filter=overdue(now)),
        **{f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in OPEN_STAGES},
    )


def backlog_values(filters: DashboardFilters) -> tuple[list[date], dict[str, Any]]:
    """Return the last day of each of the last BACKLOG_WEEKS weeks of the period, and the complaints open
    at the end of each (`week_0` … oldest first)."""
    week_days = [filters.end - timedelta(weeks=BACKLOG_WEEKS - 1 - k) for k in range(BACKLOG_WEEKS)]
    week_ends = [local_midnight(day + timedelta(days=1)) for day in week_days]
    values = (
        complaints_for(filters)
        .filter(received_at__lt=week_ends[-1])
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=week_ends[0]))
        .aggregate(**{f"week_{k}": Count("pk", filter=open_at(end)) for k, end in enumerate(week_ends)})
    )
    return week_days, values


def survey_values(filters: DashboardFilters) -> dict[str, Any]:
    """Surveys sent in the period (their email accepted by the mail server), and how many were answered."""
    return (
        Survey.objects.order_by()
        .filter(filters.complaint_q("complaint__"), in_period(filters, "sent_at"))
        .aggregate(surveys_sent=Count("pk"), surveys_answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )


def root_cause_counts(filters: DashboardFilters) -> list[tuple[str, int]]:
    """Return the PARETO_TOP most frequent root causes of complaints closed in the period, with their counts.

    The Pareto chart is drawn by category, not by root cause: root causes are typed freely, so one
    cause arrives in many wordings (in the demo data the ten most frequent cover only half of those
    recorded, and a quarter of closed complaints have none), and a Pareto chart whose bars are all
    about equal and whose line stops at 50% shows no "vital few". Every complaint has exactly one
    category from a short fixed list, so the category bars add up to 100%. The root causes (grouped by
    their lower-cased, trimmed text) are listed next to the chart and, with their corrective actions,
    in the monthly review.
    """
    return list(
        closed_in(filters)
        .exclude(root_cause="")
        .annotate(cause=normalised_cause())
        .values("cause")
        .annotate(n=Count("pk"))
        .order_by("-n", "cause")
        .values_list("cause", "n")[:PARETO_TOP]
    )


def handling_aggregates(received_p: Q, closed_p: Q, *, vendor: str) -> dict[str, Any]:
    """The figures of how complaints were handled, as aggregates: received (`received_p`) and closed
    (`closed_p`) in the period, customers kept, steps on time, median time to apologize, satisfaction.

    They are the headline figures' definitions (recovery rate, satisfaction, time to apologize, steps on
    time) for any group of complaints: one handler's (the handler table) or any other (`split_values`).
    """
    return {
        "handled": Count("pk", filter=received_p),
        "closed": Count("pk", filter=closed_p),
        "retained": Count("pk", filter=closed_p & Q(outcome=Outcome.RETAINED)),
        "timed": _summed(Count("pk", filter=received_p & Q(**{f"{c}__isnull": False})) for c in ON_TIME),
        "ontime": _summed(Count("pk", filter=received_p & Q(**{c: True})) for c in ON_TIME),
        "follow_ups": Count("pk", filter=closed_p & Q(satisfaction__isnull=False)),
        "satisfaction_avg": Avg("satisfaction", filter=closed_p),
        **(
            {
                "apology_p50": Percentile(
                    _apology_span(), 0.5, filter=received_p & APOLOGIZED, output_field=DurationField()
                )
            }
            if uses_percentile_cont(vendor)
            else {}
        ),
    }


def handler_values(filters: DashboardFilters, *, vendor: str) -> list[dict[str, Any]]:
    """Per owner: complaints received and closed in the period, kept customers, steps on time, speed, satisfaction."""
    received_p = in_period(filters, "received_at")
    closed_p = in_period(filters, "closed_at")
    rows = list(
        complaints_for(filters)
        .filter(received_p | closed_p)
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(**handling_aggregates(received_p, closed_p, vendor=vendor))
    )
    if not uses_percentile_cont(vendor):
        spans: dict[int, list[timedelta]] = {}
        apologized = received_in(filters).filter(APOLOGIZED).annotate(span=_apology_span())
        for owner_id, span in apologized.values_list("owner_id", "span"):
            spans.setdefault(owner_id, []).append(span)
        for row in rows:
            row["apology_p50"] = percentile_cont(spans.get(row["owner_id"], []), 0.5)
    return rows


def split_values(filters: DashboardFilters, split: Q, *, vendor: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The handler table's figures (`handling_aggregates`) for the filters' complaints that `split` keeps, and
    for the others: one query (on PostgreSQL), grouped by the condition as the handler table is by owner.

    `split` is a condition on a complaint row (another app's: say "its handler had passed a training
    module before it was received"); it must never be NULL, so that the two groups share out every row.
    Grouping evaluates it once a row, however many figures count with it.
    """
    received_p = in_period(filters, "received_at")
    closed_p = in_period(filters, "closed_at")
    rows = (
        complaints_for(filters)
        .filter(received_p | closed_p)
        .values(side=ExpressionWrapper(split, output_field=BooleanField()))
        .annotate(**handling_aggregates(received_p, closed_p, vendor=vendor))
    )
    empty = {"handled": 0, "closed": 0, "retained": 0, "timed": 0, "ontime": 0, "follow_ups": 0}
    sides: dict[bool, dict[str, Any]] = {True: dict(empty), False: dict(empty)}
    for row in rows:
        sides[bool(row.pop("side"))] = row
    if not uses_percentile_cont(vendor):
        for side, condition in ((True, split), (False, ~split)):
            spans = received_in(filters).filter(APOLOGIZED, condition).annotate(span=_apology_span())
            sides[side]["apology_p50"] = percentile_cont(spans.values_list("span", flat=True), 0.5)
    return sides[True], sides[False]
