"""What the dashboard shows: each figure as it reads, the rows of each breakdown, and the whole board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from recovery.dashboard.filters import DashboardFilters
from recovery.dashboard.metrics import COUNT_FIGURES, METRICS


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
class Handling:
    """How a group of complaints was handled, as it reads: the handler table's figures for any group.

    `handled`: received in the period; `closed`: closed in it; `values`: the raw values they come from.
    """

    handled: int
    closed: int
    apology_median: str
    on_time: str
    recovery_rate: str
    satisfaction: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HandlerNote:
    """What a panel (recovery.dashboard.panels) says about one handler in the handler table.

    `text` and `detail` fill the panel's column; `url`, when given, is where the handler's name links.
    """

    text: str = ""
    detail: str = ""
    url: str = ""


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
    # One note per column the panels add (Dashboard.handler_columns), in that order.
    notes: tuple[HandlerNote, ...] = ()

    @property
    def url(self) -> str:
        """Where the name links: the first panel's note that gives an address ("" for none)."""
        return next((note.url for note in self.notes if note.url), "")


@dataclass(frozen=True)
class Panel:
    """A section another app adds to the dashboard (recovery.dashboard.panels): computed with the figures,
    for the same filters, and cached with them.

    `template` is rendered with `panel` in the context, so `content` is whatever it reads (plain values:
    the board is pickled into the cache). A panel may add a column to the handler table: its heading
    `handler_column` and a note per handler id.
    """

    key: str
    template: str
    content: Any = None
    handler_column: str = ""
    handler_notes: dict[int, HandlerNote] = field(default_factory=dict)


@dataclass
class Dashboard:
    """Everything the dashboard page shows, computed at `computed_at` in `seconds`."""

    filters: DashboardFilters
    computed_at: datetime
    seconds: float = 0.0
    # Medians and 90th percentiles read from the roll-up's histograms: within 1% (or a second); the page says so.
    estimated_percentiles: bool = False
    figures: dict[str, Figure] = field(default_factory=dict)
    open_by_stage: list[Row] = field(default_factory=list)
    backlog: list[Row] = field(default_factory=list)
    on_time_by_step: list[Figure] = field(default_factory=list)
    by_group: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    root_causes: list[Row] = field(default_factory=list)
    handlers: list[HandlerRow] = field(default_factory=list)
    # The other apps' panels (recovery.dashboard.panels) and the headings of the columns they add to
    # the handler table.
    panels: list[Panel] = field(default_factory=list)
    handler_columns: list[str] = field(default_factory=list)
    # Raw values kept for comparisons (the monthly review) and tests.
    values: dict[str, Any] = field(default_factory=dict)

    def charts(self) -> dict[str, Any]:
        """Return the chart data (for json_script): the same numbers as the tables."""

        def series(rows: list[Row]) -> dict[str, Any]:
            return {"labels": [r.label for r in rows], "values": [r.count for r in rows], "urls": [r.url for r in rows]}

        pareto = series(self.by_category)
        pareto["cumulative"] = [r.share_value for r in self.by_category]
        return {"backlog": series(self.backlog), "groups": series(self.by_group), "categories": pareto}
