"""The managers' dashboard: every figure defined once, with the sentence that explains it.

`dashboard_for(filters, now=...)` returns the figures, cached per set of filters; `dashboard_compute`
does the work in a fixed number of queries whatever the data size. Three groups of complaints
("cohorts") feed the figures, and each figure's link opens the complaint list filtered to its
cohort, so a figure and its list always count the same rows:
- received in the period (volume, speed of the first steps, on-time, repeats, effort, handlers);
- closed in the period (outcome, time to close, satisfaction, atonement cost, root causes);
- open now (stages, escalations, overdue steps), whatever the period.

The modules, each on its own:
- `metrics`: what each figure means (its label and explanation);
- `filters`: the period and narrowing the figures are about, and the calendar months;
- `queries`: the SQL, one aggregate per family of figures (`percentiles`: medians on any database);
- `compute`: the queries' values turned into the figures and rows shown (`figures`), with `formatting`;
- `cache`: the cache keys, the age limit, and the beat task's warming;
- `review`: the monthly review's trend and corrective actions;
- `panels`: the sections other apps add (training's "Does training pay?"), computed and cached with the figures.
What "repeat", "escalated", "overdue" and "open at" mean for a complaint is recovery.definitions'.
"""

from recovery.dashboard.cache import dashboard_for, dashboard_refresh
from recovery.dashboard.compute import dashboard_compute, handling
from recovery.dashboard.figures import Dashboard, Figure, HandlerNote, Handling, Panel
from recovery.dashboard.filters import (
    DashboardFilters,
    default_filters,
    month_filters,
    month_so_far,
    next_month,
    previous_month,
)
from recovery.dashboard.formatting import NO_VALUE, list_url
from recovery.dashboard.metrics import METRICS
from recovery.dashboard.panels import PanelRequest, register_panel
from recovery.dashboard.queries import split_values
from recovery.dashboard.review import corrective_actions, monthly_trend

__all__ = [
    "METRICS",
    "NO_VALUE",
    "Dashboard",
    "DashboardFilters",
    "Figure",
    "HandlerNote",
    "Handling",
    "Panel",
    "PanelRequest",
    "corrective_actions",
    "dashboard_compute",
    "dashboard_for",
    "dashboard_refresh",
    "default_filters",
    "handling",
    "list_url",
    "month_filters",
    "month_so_far",
    "monthly_trend",
    "next_month",
    "previous_month",
    "register_panel",
    "split_values",
]
