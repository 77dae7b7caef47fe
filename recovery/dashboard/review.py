"""The monthly review's own figures: the trend over the last months, and the corrective actions
recorded for the month's most frequent root causes. The month's figures are the dashboard's."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from recovery.dashboard import rolled_up
from recovery.dashboard.filters import DashboardFilters, month_filters, next_month, previous_month
from recovery.dashboard.formatting import percent, ratio
from recovery.dashboard.queries import complaints_for, in_period
from recovery.definitions import normalised_cause
from recovery.models import Outcome
from recovery.rollup import build

TREND_MONTHS = 12


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
    if rolled_up.can_read(span, connection.vendor) and build.apply_changes(wait=False).built:
        received, closed = rolled_up.monthly_counts(span)
    else:
        received, closed = _monthly_counts(span)
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


def _monthly_counts(span: DashboardFilters) -> tuple[dict[Any, int], dict[Any, dict[str, int]]]:
    """Complaints received, and closed (and retained), per calendar month of `span`: counted from the complaints."""
    complaints = complaints_for(span)
    received = dict(
        complaints.filter(in_period(span, "received_at"))
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    closed = {
        row["month"]: row
        for row in complaints.filter(in_period(span, "closed_at"))
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("pk"), retained=Count("pk", filter=Q(outcome=Outcome.RETAINED)))
    }
    return received, closed


def _as_date(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def corrective_actions(filters: DashboardFilters, causes: list[str], *, limit: int = 5) -> dict[str, list[str]]:
    """Return, for each normalised root cause, the distinct corrective actions recorded in the period."""
    found: dict[str, list[str]] = {cause: [] for cause in causes}
    if not causes:
        return found
    rows = (
        complaints_for(filters)
        .filter(in_period(filters, "closed_at"))
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
