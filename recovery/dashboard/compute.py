"""Compute the dashboard: run each section's query (recovery.dashboard.queries) and turn its values
into the figures and rows shown, each linking to the complaint list filtered to the same cohort."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from common.people import display_name_from
from customers.models import CustomerGroup
from recovery.dashboard import rolled_up
from recovery.dashboard.figures import Dashboard, Figure, HandlerNote, HandlerRow, Handling, Row
from recovery.dashboard.filters import DashboardFilters
from recovery.dashboard.formatting import (
    chart_percentage,
    duration,
    list_url,
    money,
    number,
    percent,
    ratio,
    score,
    seconds,
)
from recovery.dashboard.panels import PanelRequest, build_panels
from recovery.dashboard.queries import (
    backlog_values,
    category_counts,
    category_list,
    closed_values,
    handler_values,
    open_now_values,
    received_values,
    reporting_session,
    root_cause_counts,
    survey_values,
)
from recovery.models import OPEN_STAGES, STEPS, Outcome, Stage
from recovery.rollup import build, splits


def dashboard_compute(
    filters: DashboardFilters, *, now: datetime, vendor: str = "", recount: bool = False, wait: bool = True
) -> Dashboard:
    """Compute every figure for `filters` (the "now" figures as of `now`) in a fixed number of queries.

    On PostgreSQL, for no narrowing or one, the figures are read from the roll-up (recovery.rollup), after
    folding in every change committed so far; otherwise, or with `recount`, they are counted from the
    complaints themselves. `vendor` picks how percentiles are computed (default: the database's own way);
    tests pass "sqlite" to run the Python path on PostgreSQL.
    """
    vendor = vendor or connection.vendor
    rolled = not recount and rolled_up.can_read(filters, vendor)
    as_of = now
    stale_months: frozenset[date] = frozenset()
    if rolled:
        # Without `wait` (a page), changes another process is folding in right now are left to it: the
        # figures are then as of the oldest of them, and the page says so.
        applied = build.apply_changes(wait=wait)
        rolled = applied.built  # never counted yet: count from the complaints meanwhile
        if applied.pending_since is not None:
            as_of = min(now, applied.pending_since)
        stale_months = applied.stale_months
    with reporting_session():
        board = _compute(filters, now=now, vendor=vendor, rolled=rolled, stale_months=stale_months)
    board.computed_at = as_of
    return board


@dataclass(frozen=True)
class _Links:
    """The complaint list's parameters and addresses for each cohort, with the filters' narrowing."""

    narrowing: dict[str, str]
    received_range: dict[str, str]
    closed_range: dict[str, str]
    received: str
    closed: str

    @classmethod
    def for_filters(cls, filters: DashboardFilters) -> _Links:
        narrowing = filters.list_params()
        period = (filters.start.isoformat(), filters.end.isoformat())
        received_range = {"received_from": period[0], "received_to": period[1], **narrowing}
        closed_range = {"closed_from": period[0], "closed_to": period[1], **narrowing}
        return cls(narrowing, received_range, closed_range, list_url(**received_range), list_url(**closed_range))


def _compute(
    filters: DashboardFilters, *, now: datetime, vendor: str, rolled: bool, stale_months: frozenset[date]
) -> Dashboard:
    started = time.perf_counter()
    board = Dashboard(filters=filters, computed_at=now, estimated_percentiles=rolled)
    links = _Links.for_filters(filters)

    # The raw values, one query per family (their number is fixed: the query-count tests hold it).
    v: dict[str, Any] = {}
    v.update(open_now_values(filters, now=now))
    split_sides = None
    if rolled:
        r = rolled_up.RolledUp(filters, stale_months).read()
        v.update(r.received_values())
        per_category = r.category_counts()
        v.update(r.closed_values())
        v.update(rolled_up.customers_counted_once(filters))
        week_days, weeks = r.backlog_values(v["open_now"])
        v.update(r.survey_values())
        causes = r.causes
        handlers = r.handler_values()
        split_sides = r.split_values() if splits.has_split() else None
    else:
        v.update(received_values(filters, vendor=vendor))
        per_category = category_counts(filters)
        v.update(closed_values(filters, vendor=vendor))
        week_days, weeks = backlog_values(filters)
        v.update(survey_values(filters))
        causes = root_cause_counts(filters)
        handlers = handler_values(filters, vendor=vendor)
    categories = category_list(filters)
    v.update(weeks)

    # The values as the page shows them, section by section (recovery.views.dashboard.SECTIONS).
    for figure in (*_volume(v, links), *_speed(v, links), *_recovery(v, links), *_cost(v, links)):
        board.figures[figure.key] = figure
    board.on_time_by_step = _on_time_by_step(v, links)
    board.open_by_stage = _open_by_stage(v, links)
    board.backlog = _backlog(v, week_days, links)
    board.by_group = _by_group(v, filters, links)
    board.by_category = _by_category(per_category, categories, received=v["received"], links=links)
    board.root_causes = _root_causes(causes, with_cause=v["with_cause"], links=links)
    # Complaints still in the inbox have no handler yet (owner empty; 0 in the roll-up): no row of their own.
    board.handlers = sorted(
        (_handler(row, links) for row in handlers if row["owner_id"]), key=lambda h: (h.name.lower(), h.handler_id)
    )
    handler_ids = tuple(h.handler_id for h in board.handlers)
    _add_panels(board, PanelRequest(filters, now, vendor, handler_ids, split_sides))
    v["week_days"] = week_days
    board.values = v
    board.seconds = time.perf_counter() - started
    return board


# --- "How much is coming in?" --------------------------------------------------------------------


def _volume(v: Mapping[str, Any], links: _Links) -> list[Figure]:
    """The counts of complaints: received and closed in the period; open, escalated and overdue now."""
    return [
        Figure("received", v["received"], number(v["received"]), links.received),
        Figure("closed", v["closed"], number(v["closed"]), links.closed),
        Figure("open_now", v["open_now"], number(v["open_now"]), list_url(stage="open", **links.narrowing)),
        Figure(
            "escalated_now",
            v["escalated_now"],
            number(v["escalated_now"]),
            list_url(stage="open", escalated="on", **links.narrowing),
        ),
        Figure("overdue_now", v["overdue_now"], number(v["overdue_now"]), list_url(overdue="on", **links.narrowing)),
    ]


def _open_by_stage(v: Mapping[str, Any], links: _Links) -> list[Row]:
    return [
        Row(Stage(stage).label, v[f"stage_{stage}"], list_url(stage=stage, **links.narrowing)) for stage in OPEN_STAGES
    ]


def _backlog(v: Mapping[str, Any], week_days: list[date], links: _Links) -> list[Row]:
    return [
        Row(day.strftime("%d %b"), v[f"week_{k}"], list_url(open_on=day.isoformat(), **links.narrowing))
        for k, day in enumerate(week_days)
    ]


def _by_group(v: Mapping[str, Any], filters: DashboardFilters, links: _Links) -> list[Row]:
    groups = [g for g in CustomerGroup if not filters.group or g == filters.group]
    return [Row(g.label, v[f"group_{g.value}"], list_url(**{**links.received_range, "group": g.value})) for g in groups]


def _by_category(
    per_category: Mapping[int, int], categories: list[tuple[int, str, bool]], *, received: int, links: _Links
) -> list[Row]:
    """The categories most frequent first (the Pareto order), then by name; the share is cumulative.

    An inactive category shows only when complaints of the period have it.
    """
    shown = sorted(
        ((name, per_category.get(pk, 0), pk) for pk, name, active in categories if active or per_category.get(pk)),
        key=lambda item: (-item[1], item[0]),
    )
    rows = []
    running = 0
    for name, count, pk in shown:
        running += count
        cumulative = ratio(running, received)
        url = list_url(**{**links.received_range, "category": pk})
        rows.append(Row(name, count, url, percent(cumulative), share_value=chart_percentage(cumulative)))
    return rows


# --- "How fast do we act?" -----------------------------------------------------------------------


def _speed(v: Mapping[str, Any], links: _Links) -> list[Figure]:
    """The median time to each of the first steps and to close (and the time 90% are done within), steps on time."""

    def median(key: str, name: str, url: str) -> Figure:
        p50 = v.get(f"{name}_p50")
        return Figure(key, seconds(p50), duration(p50), url, f"90% within {duration(v.get(f'{name}_p90'))}")

    return [
        median("time_to_apologize", "apology", links.received),
        median("time_to_reinstate", "reinstate", links.received),
        median("time_to_close", "close", links.closed),
        _on_time(v, links),
    ]


def _on_time(v: Mapping[str, Any], links: _Links) -> Figure:
    """Steps done by their due time, of all the steps with a due time (complaints received in the period)."""
    timed_total = sum(v[f"timed_{s}"] for s in STEPS)
    on_time = ratio(sum(v[f"ontime_{s}"] for s in STEPS), timed_total)
    return Figure("on_time", on_time, percent(on_time), links.received, f"of {timed_total} steps with a due time")


def _on_time_by_step(v: Mapping[str, Any], links: _Links) -> list[Figure]:
    figures = []
    for step in STEPS:
        share = ratio(v[f"ontime_{step}"], v[f"timed_{step}"])
        detail = f"{Stage(step).label}: {v[f'ontime_{step}']} of {v[f'timed_{step}']}"
        figures.append(Figure("on_time", share, percent(share), links.received, detail))
    return figures


# --- "Are we recovering our customers?" ----------------------------------------------------------


def _recovery(v: Mapping[str, Any], links: _Links) -> list[Figure]:
    """Customers kept, satisfaction, survey answers, repeat complaints and the word of mouth of those lost."""
    recovery = ratio(v["retained"], v["closed"])
    satisfaction = float(v["satisfaction_avg"]) if v["satisfaction_avg"] is not None else None
    satisfied = ratio(v["satisfied"], v["follow_ups"])
    response = ratio(v["surveys_answered"], v["surveys_sent"])
    repeat = ratio(v["repeats"], v["received"])
    return [
        Figure(
            "recovery_rate",
            recovery,
            percent(recovery),
            list_url(outcome=Outcome.RETAINED, **links.closed_range),
            f"{v['retained']} of {v['closed']} closed",
        ),
        Figure("satisfaction", satisfaction, score(satisfaction), links.closed, f"from {v['follow_ups']} follow-ups"),
        Figure(
            "satisfied_share", satisfied, percent(satisfied), links.closed, f"{v['satisfied']} of {v['follow_ups']}"
        ),
        Figure(
            "survey_response", response, percent(response), "", f"{v['surveys_answered']} of {v['surveys_sent']} sent"
        ),
        Figure(
            "repeat_rate",
            repeat,
            percent(repeat),
            list_url(repeat="yes", **links.received_range),
            f"{v['repeats']} of {v['received']}",
        ),
        _word_of_mouth(v, links),
    ]


def _word_of_mouth(v: Mapping[str, Any], links: _Links) -> Figure:
    """The estimate of people told about a bad experience: customers lost × WORD_OF_MOUTH_FACTOR."""
    factor = settings.WORD_OF_MOUTH_FACTOR
    return Figure(
        "word_of_mouth",
        v["lost_customers"] * factor,
        f"≈ {number(v['lost_customers'] * factor)}",
        list_url(outcome=Outcome.LOST, **links.closed_range),
        f"{v['lost_customers']} lost customers × {factor}",
    )


def _root_causes(causes: list[tuple[str, int]], *, with_cause: int, links: _Links) -> list[Row]:
    """The most frequent root causes, with their running share of all the causes recorded."""
    rows = []
    running = 0
    for cause, count in causes:
        running += count
        cumulative = ratio(running, with_cause)
        rows.append(
            Row(
                cause[:1].upper() + cause[1:],
                count,
                list_url(cause=cause, **links.closed_range),
                percent(cumulative),
                key=cause,
                share_value=chart_percentage(cumulative),
            )
        )
    return rows


# --- "What does it cost?" ------------------------------------------------------------------------


def _cost(v: Mapping[str, Any], links: _Links) -> list[Figure]:
    """Atonements given, per customer kept, and the minutes spent per complaint."""
    atonement = v["atonement"] or Decimal("0")
    per_customer = ratio(atonement, v["retained_customers"])
    minutes = ratio(v["minutes"] or 0, v["received"])
    return [
        Figure("atonement_cost", float(atonement), money(atonement), links.closed),
        Figure(
            "cost_per_recovered",
            per_customer,
            money(per_customer),
            list_url(outcome=Outcome.RETAINED, **links.closed_range),
            f"{v['retained_customers']} customers retained",
        ),
        Figure("minutes_per_complaint", minutes, number(minutes, 0), links.received),
    ]


# --- handlers ------------------------------------------------------------------------------------


def handling(values: Mapping[str, Any]) -> Handling:
    """Return the handler table's figures as they read, from `queries.handling_aggregates`' values."""
    return Handling(
        handled=values["handled"],
        closed=values["closed"],
        apology_median=duration(values.get("apology_p50")),
        on_time=percent(ratio(values.get("ontime"), values.get("timed"))),
        recovery_rate=percent(ratio(values["retained"], values["closed"])),
        satisfaction=score(values.get("satisfaction_avg")),
        values=dict(values),
    )


def _handler(row: Mapping[str, Any], links: _Links) -> HandlerRow:
    name = display_name_from(
        username=row["owner__username"], first_name=row["owner__first_name"], last_name=row["owner__last_name"]
    )
    owner = str(row["owner_id"])
    figures = handling(row)
    return HandlerRow(
        handler_id=row["owner_id"],
        name=name,
        handled=figures.handled,
        handled_url=list_url(**{**links.received_range, "owner": owner}),
        apology_median=figures.apology_median,
        on_time=figures.on_time,
        recovery_rate=figures.recovery_rate,
        recovery_url=list_url(**{**links.closed_range, "owner": owner}),
        satisfaction=figures.satisfaction,
    )


# --- the other apps' panels ----------------------------------------------------------------------


def _add_panels(board: Dashboard, request: PanelRequest) -> None:
    """Compute the registered panels (recovery.dashboard.panels) and their notes in the handler table."""
    board.panels = build_panels(request)
    columns = [panel for panel in board.panels if panel.handler_column]
    board.handler_columns = [panel.handler_column for panel in columns]
    if columns:
        board.handlers = [
            replace(row, notes=tuple(panel.handler_notes.get(row.handler_id, HandlerNote()) for panel in columns))
            for row in board.handlers
        ]
