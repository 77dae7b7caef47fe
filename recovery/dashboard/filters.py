"""What the figures are about: a period of whole local days, optional narrowing, and the calendar months."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from common.localtime import local_midnight

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class DashboardFilters:
    """What the figures are about: a period of whole local days and optional narrowing.

    The period runs from local midnight at the start of `start` to local midnight after `end`.
    """

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
