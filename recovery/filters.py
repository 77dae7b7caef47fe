"""Filters for the complaint list: what the GET form (and a bookmarked URL) can ask for.

The FilterSet only narrows the queryset it is given; the view passes in
`selectors.complaints_visible_to(user)`, so no filter or search can reach a
complaint the user may not see. Invalid values are left out of the filtering
and reported next to their field by the form (recovery.forms.lists).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common.localtime import local_midnight
from customers.models import CustomerGroup
from recovery import selectors
from recovery.definitions import REPEAT_WINDOW, escalated, is_repeat, normalised_cause, open_at, overdue
from recovery.forms.lists import ComplaintFilterForm
from recovery.models import NOTE_MAX, OPEN_STAGES, SUMMARY_MAX, Category, Complaint, Outcome, Severity, Stage
from recovery.search import search_complaints

ANY_OPEN = "open"
STAGE_CHOICES = [(ANY_OPEN, "Any open stage"), *Stage.choices]

# The only orderings offered (anything else is refused with a message), newest first by default.
SORTS: dict[str, tuple[Any, ...]] = {
    "-received": ("-received_at", "-pk"),
    "received": ("received_at", "pk"),
    "due": (F("step_due_at").asc(nulls_last=True), "received_at", "pk"),
    "-due": (F("step_due_at").desc(nulls_last=True), "-received_at", "-pk"),
}
SORT_CHOICES = [
    ("-received", "Newest first"),
    ("received", "Oldest first"),
    ("due", "Due soonest"),
    ("-due", "Due latest"),
]


def _owners(request: HttpRequest | None) -> QuerySet[Any]:
    # Inactive owners stay: their complaints must remain findable until someone hands them over.
    return selectors.owners_to_filter_by()


REPEAT_CHOICES = [("yes", "Repeat complaints only")]


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=SUMMARY_MAX,
        widget=forms.SearchInput,
        help_text=(
            "Reference (C-000123 or #123), customer name, organisation, email or phone, or words from the complaint."
        ),
    )
    stage = django_filters.ChoiceFilter(
        label="Stage", choices=STAGE_CHOICES, method="filter_stage", empty_label="Any stage"
    )
    group = django_filters.ChoiceFilter(
        label="Customer group", field_name="customer__group", choices=CustomerGroup.choices, empty_label="Any group"
    )
    severity = django_filters.ChoiceFilter(label="Severity", choices=Severity.choices, empty_label="Any severity")
    category = django_filters.ModelChoiceFilter(
        label="Category", queryset=Category.objects.order_by("name"), empty_label="Any category"
    )
    owner = django_filters.ModelChoiceFilter(label="Owner", queryset=_owners, empty_label="Anyone")
    received_from = django_filters.DateFilter(
        label="Received from",
        method="filter_received_from",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label="Received to",
        method="filter_received_to",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    closed_from = django_filters.DateFilter(
        label="Closed from",
        method="filter_closed_from",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    closed_to = django_filters.DateFilter(
        label="Closed to",
        method="filter_closed_to",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    outcome = django_filters.ChoiceFilter(label="Outcome", choices=Outcome.choices, empty_label="Any outcome")
    repeat = django_filters.ChoiceFilter(
        label="Repeat complaints",
        choices=REPEAT_CHOICES,
        method="filter_repeat",
        empty_label="Any",
        help_text=f"The customer had another complaint received in the {REPEAT_WINDOW.days} days before this one.",
    )
    cause = django_filters.CharFilter(
        label="Root cause",
        method="filter_cause",
        max_length=NOTE_MAX,
        help_text="The whole root cause, as recorded (upper/lower case and outer spaces do not matter).",
    )
    open_on = django_filters.DateFilter(
        label="Open at the end of",
        method="filter_open_on",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput)
    escalated = django_filters.BooleanFilter(
        label="Escalated only",
        method="filter_escalated",
        widget=forms.CheckboxInput,
        help_text="Open, and escalated to a manager or overdue past the grace before managers are alerted.",
    )
    sort = django_filters.ChoiceFilter(label="Sort by", choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        model = Complaint
        fields: list[str] = []
        form = ComplaintFilterForm

    def filter_search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return search_complaints(queryset, value)

    def filter_stage(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        if value == ANY_OPEN:
            return queryset.filter(stage__in=OPEN_STAGES)
        return queryset.filter(stage=value)

    def filter_received_from(self, queryset: QuerySet[Complaint], name: str, value: date) -> QuerySet[Complaint]:
        # A range on the column itself (not received_at__date), so the index on received_at answers it.
        return queryset.filter(received_at__gte=local_midnight(value))

    def filter_received_to(self, queryset: QuerySet[Complaint], name: str, value: date) -> QuerySet[Complaint]:
        # The form keeps dates before the year 3000, so the day after always exists.
        return queryset.filter(received_at__lt=local_midnight(value + timedelta(days=1)))

    def filter_closed_from(self, queryset: QuerySet[Complaint], name: str, value: date) -> QuerySet[Complaint]:
        return queryset.filter(closed_at__gte=local_midnight(value))

    def filter_closed_to(self, queryset: QuerySet[Complaint], name: str, value: date) -> QuerySet[Complaint]:
        return queryset.filter(closed_at__lt=local_midnight(value + timedelta(days=1)))

    def filter_repeat(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return queryset.filter(is_repeat()) if value else queryset

    def filter_cause(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        cause = value.strip().lower()
        return queryset.alias(cause=normalised_cause()).filter(cause=cause) if cause else queryset

    def filter_open_on(self, queryset: QuerySet[Complaint], name: str, value: date) -> QuerySet[Complaint]:
        return queryset.filter(open_at(local_midnight(value + timedelta(days=1))))

    def filter_overdue(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        return queryset.filter(overdue(timezone.now())) if value else queryset

    def filter_escalated(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        return queryset.filter(escalated(timezone.now())) if value else queryset

    def filter_sort(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return queryset.order_by(*SORTS[value])


def active_filter_count(filterset: ComplaintFilter) -> int:
    """Return how many filters (search and sort aside) narrow the list, to tell the user."""
    if not filterset.is_bound:
        return 0
    cleaned = getattr(filterset.form, "cleaned_data", {})
    return sum(1 for name, value in cleaned.items() if name not in {"q", "sort"} and value not in (None, "", False))
