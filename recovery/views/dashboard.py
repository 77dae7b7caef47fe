"""The managers' dashboard, its per-handler CSV and the printable monthly review. Managers only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from common.csv_export import stream_csv
from common.views import role_required
from recovery.dashboard import (
    METRICS,
    NO_VALUE,
    Dashboard,
    Figure,
    corrective_actions,
    dashboard_for,
    month_filters,
    month_so_far,
    monthly_trend,
    next_month,
    previous_month,
)
from recovery.forms.dashboard import DashboardFilterForm, ReviewMonthForm
from recovery.forms.lists import EARLIEST

# The dashboard's sections, each answering one question, with the figures that answer it.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "recovering",
        "Are we recovering our customers?",
        ("recovery_rate", "satisfaction", "satisfied_share", "survey_response", "repeat_rate", "word_of_mouth"),
    ),
    ("volume", "How much is coming in?", ("received", "closed", "open_now", "escalated_now", "overdue_now")),
    ("speed", "How fast do we act?", ("time_to_apologize", "time_to_reinstate", "time_to_close", "on_time")),
    ("cost", "What does it cost?", ("atonement_cost", "cost_per_recovered", "minutes_per_complaint")),
)

# The review's period summary: this month against the month before.
REVIEW_FIGURES = (
    "received",
    "closed",
    "recovery_rate",
    "satisfaction",
    "time_to_apologize",
    "time_to_close",
    "on_time",
    "repeat_rate",
    "atonement_cost",
    "word_of_mouth",
)


def _sections(board: Dashboard) -> list[dict[str, Any]]:
    return [
        {"slug": slug, "title": title, "figures": [board.figures[key] for key in keys]}
        for slug, title, keys in SECTIONS
    ]


def _board(request: HttpRequest) -> tuple[DashboardFilterForm, Dashboard]:
    now = timezone.now()
    form = DashboardFilterForm(request.GET or None)
    return form, dashboard_for(form.dashboard_filters(now), now=now)


@role_required(roles.is_manager)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the recovery figures for the chosen period and narrowing; every number opens its list."""
    form, board = _board(request)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "board": board,
        "sections": _sections(board),
        "metrics": METRICS,
        "charts": board.charts(),
        "csv_url": reverse("recovery:dashboard_handlers_csv") + (f"?{query}" if query else ""),
        "review_url": reverse("recovery:dashboard_review"),
        "milliseconds": round(board.seconds * 1000),
    }
    return render(request, "recovery/dashboard.html", context)


@role_required(roles.is_manager)
def dashboard_handlers_csv(request: HttpRequest) -> HttpResponse:
    """Download the per-handler table for the same filters as the dashboard."""
    _form, board = _board(request)
    filters = board.filters
    header = (
        "Handler",
        "Complaints handled",
        "Median time to apologize",
        "Steps on time",
        "Recovery rate",
        "Average satisfaction",
        *board.handler_columns,
    )

    def blank(text: str) -> str:
        return "" if text == NO_VALUE else text

    rows = (
        (
            h.name,
            h.handled,
            blank(h.apology_median),
            blank(h.on_time),
            blank(h.recovery_rate),
            blank(h.satisfaction),
            *(" ".join(part for part in (note.text, note.detail) if part) for note in h.notes),
        )
        for h in board.handlers
    )
    filename = f"caredesk-handlers-{filters.start:%Y-%m-%d}-to-{filters.end:%Y-%m-%d}.csv"
    # role_required wraps views that return HttpResponse; a streaming response is a sibling class.
    return stream_csv(filename, header, rows)  # type: ignore[return-value]


@role_required(roles.is_manager)
def dashboard_review(request: HttpRequest) -> HttpResponse:
    """Show the printable monthly management review (default: the last full month).

    The month in progress is reviewed up to today, and says so; a month that has not started is
    refused by the form, which then shows the default month.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    form = ReviewMonthForm(request.GET or None, today=today)
    month = form.month_or_default(now)
    if not form.is_bound:
        form.initial["month"] = f"{month:%Y-%m}"
    filters = month_so_far(month, today=today)
    before = previous_month(month)
    after = next_month(month)
    current = dashboard_for(filters, now=now)
    previous = dashboard_for(month_filters(before), now=now)
    summary: list[tuple[Figure, Figure]] = [(current.figures[k], previous.figures[k]) for k in REVIEW_FIGURES]
    trend = monthly_trend(filters, last_month=month)
    causes = [(row, row.key) for row in current.root_causes]
    actions = corrective_actions(filters, [key for _row, key in causes])
    review_url = reverse("recovery:dashboard_review")
    in_progress = filters.end < month_filters(month).end
    context = {
        "form": form,
        "month": month,
        "in_progress": in_progress,
        "previous_month": before,
        "previous_url": f"{review_url}?month={before:%Y-%m}" if before >= EARLIEST else "",
        "next_month": after,
        "next_url": f"{review_url}?month={after:%Y-%m}" if after <= today else "",
        "board": current,
        "summary": summary,
        "trend": trend,
        "charts": {
            "trend": {
                "labels": [row.month.strftime("%b %Y") for row in trend[:-1]]
                + [trend[-1].month.strftime("%b %Y") + (" (so far)" if in_progress else "")],
                "received": [row.received for row in trend],
                "closed": [row.closed for row in trend],
                "recovery": [None if row.recovery_value is None else round(row.recovery_value * 100) for row in trend],
            }
        },
        "causes": [(row, actions.get(key, [])) for row, key in causes],
        "metrics": METRICS,
        "dashboard_url": reverse("recovery:dashboard"),
    }
    return render(request, "recovery/review.html", context)
