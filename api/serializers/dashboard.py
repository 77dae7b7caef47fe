"""How the managers' dashboard looks in the API: the figures the dashboard page shows, described one by one.

Everything comes from `recovery.dashboard.Dashboard` (computed and cached by `recovery.dashboard.dashboard_for`,
as for the page): each figure's meaning is `recovery.dashboard.METRICS`' explanation, so the schema says what
the page's "what is this?" says. A figure has its raw `value` (in the unit `FIGURE_UNITS` names) and its
`display` as the page shows it; `page_url` opens the complaint list that counts the same complaints.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import CustomerGroup
from recovery.dashboard import METRICS, Dashboard, DashboardFilters, Figure
from recovery.dashboard.figures import HandlerNote, HandlerRow, Row
from recovery.forms.dashboard import CUSTOM, PERIOD_CHOICES
from recovery.forms.lists import CHOICE_ERROR
from recovery.models import Severity

DATE_ERROR = "Give the date as YYYY-MM-DD, for example 2026-03-01."

# The unit of each figure's `value` (None when there is nothing to count from, e.g. no complaint closed).
UNITS = {
    "count": "a number of complaints",
    "seconds": "a duration in seconds (the median; `detail` gives the 90th percentile)",
    "share": "a share from 0 to 1",
    "score": "an average score from 1 to 5",
    "money": "an amount of money, in the installation's currency",
    "minutes": "minutes",
    "people": "a number of people (an estimate)",
}
FIGURE_UNITS: dict[str, str] = {
    "received": "count",
    "closed": "count",
    "open_now": "count",
    "escalated_now": "count",
    "overdue_now": "count",
    "time_to_apologize": "seconds",
    "time_to_reinstate": "seconds",
    "time_to_close": "seconds",
    "on_time": "share",
    "recovery_rate": "share",
    "satisfaction": "score",
    "satisfied_share": "share",
    "survey_response": "share",
    "repeat_rate": "share",
    "word_of_mouth": "people",
    "atonement_cost": "money",
    "cost_per_recovered": "money",
    "minutes_per_complaint": "minutes",
}


def _page_url(url: str) -> str | None:
    """Return a screen's address in full (the dashboard keeps them relative), or None for none."""
    return f"{str(settings.SITE_URL).rstrip('/')}{url}" if url else None


class DashboardFigureSerializer(serializers.Serializer[Figure]):
    """One figure as the dashboard shows it."""

    key = serializers.ChoiceField(choices=sorted(FIGURE_UNITS), read_only=True)
    # The API field `label` (DRF takes declared fields off the class, so Field.label is not shadowed).
    label = serializers.CharField(read_only=True, help_text="The figure's name on the page.")  # type: ignore[assignment]
    explanation = serializers.CharField(read_only=True, help_text="What it counts, as the page explains it.")
    value = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The raw value in `unit`; null when there is nothing to compute it from (e.g. nothing closed).",
    )
    unit = serializers.SerializerMethodField(
        help_text="What `value` is: " + "; ".join(f"`{unit}`: {meaning}" for unit, meaning in UNITS.items()) + "."
    )
    display = serializers.CharField(read_only=True, help_text="The value as the page shows it (— for none).")
    detail = serializers.CharField(read_only=True, help_text="The line under the figure (e.g. “12 of 40 closed”).")
    page_url = serializers.SerializerMethodField(
        help_text="The complaint list (a CareDesk page) showing the complaints it counts; null when it has none."
    )

    @extend_schema_field(serializers.ChoiceField(choices=sorted(UNITS)))
    def get_unit(self, figure: Figure) -> str:
        return FIGURE_UNITS.get(figure.key, "count")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, figure: Figure) -> str | None:
        return _page_url(figure.url)


def _figures_serializer() -> type[serializers.Serializer[dict[str, Figure]]]:
    """One property per figure, each described with its explanation."""
    fields = {
        key: DashboardFigureSerializer(read_only=True, help_text=f"{METRICS[key].label}: {METRICS[key].explanation}")
        for key in FIGURE_UNITS
    }
    return type("DashboardFiguresSerializer", (serializers.Serializer,), fields)


DashboardFiguresSerializer = _figures_serializer()


class DashboardRowSerializer(serializers.Serializer[Row]):
    """One labelled count of a breakdown (a stage, a week, a group, a category, a root cause)."""

    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    count = serializers.IntegerField(read_only=True, help_text="How many complaints.")
    share = serializers.CharField(
        read_only=True, help_text="Pareto lists: the running share of the total, as shown (e.g. “64%”); else empty."
    )
    share_value = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The running share as a percentage number; null when none."
    )
    page_url = serializers.SerializerMethodField(help_text="The complaint list showing these complaints.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, row: Row) -> str | None:
        return _page_url(row.url)


class StepOnTimeSerializer(serializers.Serializer[Figure]):
    """Steps done on time, for one of the five steps."""

    value = serializers.FloatField(
        read_only=True, allow_null=True, help_text="A share from 0 to 1; null when no step had a due time."
    )
    display = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True, help_text="The step and its counts, e.g. “Apologize: 9 of 10”.")


class DashboardHandlerNoteSerializer(serializers.Serializer[HandlerNote]):
    text = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)


class DashboardHandlerSerializer(serializers.Serializer[HandlerRow]):
    """One owner's row of the handler table (the figures as the page shows them)."""

    id = serializers.IntegerField(source="handler_id", read_only=True, help_text="The handler's user id.")
    name = serializers.CharField(read_only=True)
    handled = serializers.IntegerField(read_only=True, help_text="Complaints received in the period that they own.")
    apology_median = serializers.CharField(read_only=True, help_text="Their median time to apologize, as shown.")
    on_time = serializers.CharField(read_only=True, help_text="Their steps done on time, as shown.")
    recovery_rate = serializers.CharField(
        read_only=True, help_text="Recovery rate of their complaints closed in the period, as shown."
    )
    satisfaction = serializers.CharField(
        read_only=True, help_text="Average satisfaction of their complaints closed in the period, as shown."
    )
    notes = DashboardHandlerNoteSerializer(
        many=True, read_only=True, help_text="One note per column other apps add (`handler_columns`), in that order."
    )


class DashboardFiltersSerializer(serializers.Serializer[DashboardFilters]):
    """What the figures are about: whole local days from `start` to `end`, and the narrowing."""

    start = serializers.DateField(read_only=True, help_text="The first day of the period (local time).")
    end = serializers.DateField(read_only=True, help_text="The last day of the period, included.")
    days = serializers.IntegerField(read_only=True)
    group = serializers.CharField(read_only=True, help_text="The customer group, or empty for all.")
    severity = serializers.CharField(read_only=True, help_text="The severity, or empty for all.")
    category = serializers.IntegerField(
        source="category_id", read_only=True, allow_null=True, help_text="The category's id, or null for all."
    )
    handler = serializers.IntegerField(
        source="handler_id", read_only=True, allow_null=True, help_text="The handler's user id, or null for everyone."
    )


class DashboardSerializer(serializers.Serializer[Dashboard]):
    """The managers' dashboard for one period and narrowing: the figures of the dashboard page."""

    filters = DashboardFiltersSerializer(read_only=True)
    computed_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the figures were computed: they are cached for a short while (never more than five minutes).",
    )
    estimated_percentiles = serializers.BooleanField(
        read_only=True, help_text="True when medians and 90th percentiles are estimates (within 1%, or a second)."
    )
    figures = serializers.SerializerMethodField(help_text="Every figure, by key.")
    on_time_by_step = StepOnTimeSerializer(
        many=True, read_only=True, help_text="Steps done on time, per step (apologize … follow up)."
    )
    open_by_stage = DashboardRowSerializer(
        many=True, read_only=True, help_text="Open complaints now, by the step they wait for (then “close”)."
    )
    backlog = DashboardRowSerializer(many=True, read_only=True, help_text=METRICS["backlog"].explanation)
    by_group = DashboardRowSerializer(many=True, read_only=True, help_text=METRICS["by_group"].explanation)
    by_category = DashboardRowSerializer(many=True, read_only=True, help_text=METRICS["by_category"].explanation)
    root_causes = DashboardRowSerializer(many=True, read_only=True, help_text=METRICS["root_causes"].explanation)
    handlers = DashboardHandlerSerializer(many=True, read_only=True, help_text=METRICS["handlers"].explanation)
    handler_columns = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The headings of the columns other apps add to the handler table (e.g. training).",
    )

    @extend_schema_field(DashboardFiguresSerializer)
    def get_figures(self, board: Dashboard) -> Any:
        return {key: DashboardFigureSerializer(figure).data for key, figure in board.figures.items()}


class DashboardQuerySerializer(serializers.Serializer[Any]):
    """The dashboard page's filters: their types checked here (a blank value is refused, as the schema says),
    then the page's own form (`recovery.forms.dashboard.DashboardFilterForm`) checks the rest with its messages."""

    period = serializers.ChoiceField(
        choices=[value for value, _label in PERIOD_CHOICES],
        required=False,
        help_text=f"The last 30, 90 (the default) or 365 days, today included; `{CUSTOM}`: from `date_from` to "
        "`date_to` (given dates alone mean custom too).",
        error_messages={"invalid_choice": CHOICE_ERROR},
    )
    date_from = serializers.DateField(
        required=False,
        help_text="Custom period: its first day (YYYY-MM-DD).",
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = serializers.DateField(
        required=False,
        help_text="Custom period: its last day, included (YYYY-MM-DD).",
        error_messages={"invalid": DATE_ERROR},
    )
    group = serializers.ChoiceField(
        choices=CustomerGroup.choices,
        required=False,
        help_text="Only this customer group.",
        error_messages={"invalid_choice": CHOICE_ERROR},
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        help_text="Only this severity.",
        error_messages={"invalid_choice": CHOICE_ERROR},
    )
    category = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Only this category (its id, GET /categories/?all=true).",
        error_messages={"invalid": CHOICE_ERROR, "min_value": CHOICE_ERROR},
    )
    handler = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Only the complaints this person owns (their user id; someone who left too).",
        error_messages={"invalid": CHOICE_ERROR, "min_value": CHOICE_ERROR},
    )
