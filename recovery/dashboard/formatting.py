"""How a figure reads: numbers, shares, durations and money as shown, and the complaint list's links."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from common.money import format_money

NO_VALUE = "—"


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


def score(value: float | Decimal | None) -> str:
    """Return an average score (1–5) with one decimal."""
    return NO_VALUE if value is None else f"{value:.1f}"


def chart_percentage(share: float | None) -> float | None:
    """Return a share as the rounded percentage the charts plot, None staying None (a gap, not 0)."""
    return None if share is None else round(share * 100, 1)


def seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def list_url(**params: Any) -> str:
    """Return the complaint list's address with these filters."""
    clean = {name: str(value) for name, value in params.items() if value not in (None, "")}
    return f"{reverse('recovery:complaint_list')}?{urlencode(clean)}" if clean else reverse("recovery:complaint_list")
