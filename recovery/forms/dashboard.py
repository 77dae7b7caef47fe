"""The dashboard's filters (a GET form) and the monthly review's month. Validation only.

A refused value gets a message next to its field and is left out: the figures are then computed
with the default for that field, so bad input in a bookmarked URL never breaks the page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from customers.models import CustomerGroup
from recovery import selectors
from recovery.dashboard import DashboardFilters, default_filters
from recovery.forms.lists import CHOICE_ERROR, EARLIEST, LATEST, owner_label
from recovery.models import Category, Severity

CUSTOM = "custom"
PERIOD_CHOICES = [("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 365 days"), (CUSTOM, "Custom dates")]
DEFAULT_PERIOD = "90"


class HandlerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return owner_label(obj)


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIOD_CHOICES, required=False, initial=DEFAULT_PERIOD)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    group = forms.ChoiceField(
        label="Customer group", choices=[("", "All groups"), *CustomerGroup.choices], required=False
    )
    severity = forms.ChoiceField(label="Severity", choices=[("", "All severities"), *Severity.choices], required=False)
    category = forms.ModelChoiceField(
        label="Category", queryset=Category.objects.order_by("name"), required=False, empty_label="All categories"
    )
    handler = HandlerChoiceField(label="Handler", queryset=None, required=False, empty_label="Everyone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handler = self.fields["handler"]
        if isinstance(handler, HandlerChoiceField):  # always; the check tells the type checker
            handler.queryset = selectors.owners_to_filter_by()  # someone who left still has figures
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = CHOICE_ERROR
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "dashboard-filters card card-body mb-4"
        self.helper.attrs = {"role": "search", "aria-label": "Dashboard filters", "novalidate": ""}
        self.helper.layout = Layout(
            Row(
                # Two rows of four on wide screens: the period, then the narrowing and the button.
                *(Column(name, css_class="col-12 col-sm-6 col-lg-3") for name in ("period", "date_from", "date_to")),
                *(Column(name, css_class="col-6 col-lg-3") for name in ("group", "severity", "category", "handler")),
                Column(
                    StrictButton("Apply", type="submit", css_class="btn-primary w-100"),
                    css_class="col-6 col-lg-3 d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            )
        )

    def _check_date(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Give a date between {EARLIEST.year} and {LATEST.year}.", code="out_of_range")
        return value

    def clean_date_from(self) -> date | None:
        return self._check_date("date_from")

    def clean_date_to(self) -> date | None:
        return self._check_date("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        custom = cleaned.get("period") == CUSTOM or (
            not cleaned.get("period") and (self.data.get("date_from") or self.data.get("date_to"))
        )
        if custom:
            cleaned["period"] = CUSTOM
            if start is None and "date_from" not in self.errors:
                self.add_error("date_from", "Give the first day of the period.")
            if end is None and "date_to" not in self.errors:
                self.add_error("date_to", "Give the last day of the period.")
            if start is not None and end is not None and start > end:
                self.add_error("date_to", "The ‘to’ date is before the ‘from’ date.")
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields and isinstance(self.fields[name].widget, forms.DateInput):
                # A date picker cannot show "2026-13-45": show what was typed, as text, so it can be fixed.
                self.fields[name].widget.input_type = "text"

    def dashboard_filters(self, now: datetime) -> DashboardFilters:
        """Return the filters asked for; a refused or missing value falls back to its default."""
        default = default_filters(now)
        if not self.is_bound:
            self.initial.update({"date_from": default.start, "date_to": default.end})
            return default
        self.is_valid()  # runs the checks; cleaned_data then holds the values that passed
        data = self.cleaned_data
        today = timezone.localdate(now)
        period = data.get("period") or DEFAULT_PERIOD
        start, end = default.start, default.end
        if period == CUSTOM:
            if data.get("date_from") and data.get("date_to") and not {"date_from", "date_to"} & set(self.errors):
                start, end = data["date_from"], data["date_to"]
        elif period.isdigit():
            start, end = today - timedelta(days=int(period) - 1), today
        category, handler = data.get("category"), data.get("handler")
        return DashboardFilters(
            start=start,
            end=end,
            group=data.get("group") or "",
            severity=data.get("severity") or "",
            category_id=category.pk if category else None,
            handler_id=handler.pk if handler else None,
        )


def last_full_month(now: datetime) -> date:
    """Return the first day of the last complete calendar month."""
    return (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)


class ReviewMonthForm(forms.Form):
    month = forms.CharField(
        label="Month",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # The browser's month picker offers nothing after the month in progress.
        self.fields["month"].widget.attrs["max"] = f"{today:%Y-%m}"

    def clean_month(self) -> date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        try:
            month = datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("Give a month as YYYY-MM, for example 2026-03.", code="invalid") from None
        if not EARLIEST <= month <= LATEST:
            raise forms.ValidationError(f"Give a month between {EARLIEST.year} and {LATEST.year}.", code="out_of_range")
        if month > self.today:
            raise forms.ValidationError(
                f"{month:%B %Y} has not started yet: choose {self.today:%B %Y} or an earlier month.",
                code="future",
            )
        return month

    def month_or_default(self, now: datetime) -> date:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("month"):
            month: date = self.cleaned_data["month"]
            return month
        return last_full_month(now)
