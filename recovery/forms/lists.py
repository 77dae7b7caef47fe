"""The form behind the complaint list's filters (django-filter builds its fields from recovery.filters).

Validation only. The template renders the fields by hand, because each field
has a message slot next to it that htmx refreshes when the results change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from common.people import display_name

# Dates outside these years are typing mistakes, and would overflow time-zone arithmetic.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)

CHOICE_ERROR = "Choose one of the options in the list."


def owner_label(user: Any) -> str:
    """Return how an owner is offered as a filter: by name, marked when their account is switched off."""
    name = display_name(user)
    return name if user.is_active else f"{name} (inactive)"


class ComplaintFilterForm(forms.Form):
    """Check the filters a user chose; bad values get a message next to the filter and are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
                field.error_messages["invalid_choice"] = CHOICE_ERROR
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            described_by = [f"filter-help-{name}"] if field.help_text else []
            widget.attrs["aria-describedby"] = " ".join([*described_by, f"filter-error-{name}"])
        if "owner" in self.fields:
            owner = self.fields["owner"]
            owner.label_from_instance = owner_label  # type: ignore[attr-defined]

    def _check_date(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                "Give a date between %(earliest)s and %(latest)s.",
                code="out_of_range",
                params={"earliest": EARLIEST.year, "latest": LATEST.year},
            )
        return value

    def clean_received_from(self) -> date | None:
        return self._check_date("received_from")

    def clean_received_to(self) -> date | None:
        return self._check_date("received_to")

    def clean_closed_from(self) -> date | None:
        return self._check_date("closed_from")

    def clean_closed_to(self) -> date | None:
        return self._check_date("closed_to")

    def clean_open_on(self) -> date | None:
        return self._check_date("open_on")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for first, last in (("received_from", "received_to"), ("closed_from", "closed_to")):
            start, end = cleaned.get(first), cleaned.get(last)
            if start is not None and end is not None and start > end:
                self.add_error(last, "The ‘to’ date is before the ‘from’ date.")
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # Mark the fields that were refused, so screen readers and the styles show them as invalid.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                widget = self.fields[name].widget
                if isinstance(widget, forms.DateInput):
                    # A date picker cannot show "2026-13-45": show what was typed, as text, so it can be fixed.
                    widget.input_type = "text"
