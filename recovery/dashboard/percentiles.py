"""Medians and 90th percentiles of durations: PostgreSQL's `percentile_cont`, or the same in Python.

Other databases (SQLite, for the local demo) get the same numbers computed in Python from the
durations, a few more queries. `vendor` says which path a computation takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Aggregate, DurationField, Q, QuerySet


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


def uses_percentile_cont(vendor: str) -> bool:
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


def percentile_aggregates(vendor: str, name: str, expression: Any, condition: Q) -> dict[str, Any]:
    """Return `{name}_p50` and `_p90` as aggregates to add to a query (PostgreSQL), else nothing."""
    if not uses_percentile_cont(vendor):
        return {}
    return {
        f"{name}_p50": Percentile(expression, 0.5, filter=condition, output_field=DurationField()),
        f"{name}_p90": Percentile(expression, 0.9, filter=condition, output_field=DurationField()),
    }


def python_percentiles(
    vendor: str, values: dict[str, Any], name: str, queryset: QuerySet[Any], expression: Any, condition: Q
) -> None:
    """Fill `{name}_p50` and `_p90` from the durations themselves (databases without percentile_cont)."""
    if uses_percentile_cont(vendor):
        return
    spans = [
        d for d in queryset.filter(condition).annotate(span=expression).values_list("span", flat=True) if d is not None
    ]
    values[f"{name}_p50"] = percentile_cont(spans, 0.5)
    values[f"{name}_p90"] = percentile_cont(spans, 0.9)
