"""Panels other apps add to the dashboard: recovery knows no app that depends on it (training, say), so
those apps register here, from their AppConfig.ready, what they show beside the recovery figures.

A builder gets what the figures were computed for (`PanelRequest`: the filters, the moment, the
database's way with percentiles, the handlers in the table) and returns a `Panel` (or None to show
nothing). It runs inside the dashboard's computation, in its reporting transaction, so the panel is
computed for the same filters and cached with the figures (recovery.dashboard.cache): one cache, one
age. It must take a fixed number of queries whatever the data size: the dashboard's query count is
asserted with every panel registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recovery.dashboard.figures import Panel
from recovery.dashboard.filters import DashboardFilters


@dataclass(frozen=True)
class PanelRequest:
    """What the dashboard is computing: a panel answers for the same filters, as of `now`."""

    filters: DashboardFilters
    now: datetime
    vendor: str  # as recovery.dashboard.percentiles takes it
    handler_ids: tuple[int, ...]  # the owners in the handler table, in its order
    # The handler table's figures on each side of the split registered with recovery.rollup.splits (kept,
    # others), when the figures came from the roll-up; None when the panel must count them itself.
    split_sides: tuple[dict[str, Any], dict[str, Any]] | None = None


PanelBuilder = Callable[[PanelRequest], Panel | None]

_panels: dict[str, tuple[int, PanelBuilder]] = {}


def register_panel(name: str, build: PanelBuilder, *, order: int = 100) -> None:
    """Add a panel to every dashboard, in `order` (call it from the app's AppConfig.ready).

    Registering the same `name` again replaces it.
    """
    _panels[name] = (order, build)


def build_panels(request: PanelRequest) -> list[Panel]:
    """Return the registered panels for `request`, in their order, leaving out those that show nothing."""
    built = (build(request) for _, build in sorted(_panels.values(), key=lambda entry: entry[0]))
    return [panel for panel in built if panel is not None]
