"""The form that logs a complaint.

Validation only; `recovery.workflow.complaint_log` stores the complaint and
may still refuse. Field names match its keyword arguments and the `field` of
its errors, so a refusal lands next to the field it is about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils import timezone

from accounts import roles
from common.forms import PersonChoiceField, PlainTextField
from customers.models import Customer
from recovery.forms.steps import LocalDateTimeField, now_for_input, offer_clock_choice
from recovery.models import DESCRIPTION_MAX, REMEDY_MAX, SUMMARY_MAX, Category, Channel, Severity
from recovery.selectors import categories_for
from recovery.workflow import CLOCK_SKEW

FUTURE = "The time received cannot be in the future."
RECEIVED_FIELD_TEMPLATE = "recovery/partials/received_field.html"


class ComplaintLogForm(forms.Form):
    """A new complaint: who complained, how, about what, and who will work it."""

    # The order of the page, so the first field in error is the first one a person meets.
    field_order = ["customer", "channel", "category", "severity", "received_at", "summary"]

    customer: forms.ModelChoiceField[Customer] = forms.ModelChoiceField(
        queryset=Customer.objects.select_related("organization"),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the customer: search for them above, or add them as a new customer.",
            "invalid_choice": "That customer was not found; search for them again.",
        },
    )
    channel = forms.ChoiceField(
        label="How it reached us",
        choices=[("", "Choose…"), *Channel.choices],
        error_messages={"required": "Choose how the complaint reached us.", "invalid_choice": "Choose a channel."},
    )
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        queryset=None,
        label="Category",
        empty_label="Choose…",
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose one of the active categories."},
    )
    severity = forms.ChoiceField(
        label="Severity",
        choices=Severity.choices,
        initial=Severity.MEDIUM,
        help_text="Your first assessment; it sets how soon the apology is due.",
        error_messages={"required": "Choose a severity.", "invalid_choice": "Choose a severity."},
    )
    summary = PlainTextField(
        limit=SUMMARY_MAX,
        required=True,
        label="Summary",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="One line the team will recognise it by.",
        error_messages={"required": "Enter a short summary."},
    )
    description = PlainTextField(
        limit=DESCRIPTION_MAX, rows=4, label="What happened", help_text="In the customer's words, as far as you can."
    )
    desired_remedy = PlainTextField(limit=REMEDY_MAX, rows=2, label="Remedy the customer wants")
    received_at = LocalDateTimeField(
        label="Received",
        help_text="Local time. Leave it as it is if the customer is with you now; due times count from logging.",
        error_messages={
            "required": "Give the date and time the complaint was received.",
            "invalid": "Give a date and time.",
        },
    )
    owner = PersonChoiceField(
        queryset=None,
        label="Owner",
        empty_label=None,
        help_text="Who works the recovery: you, unless someone else should.",
        error_messages={"required": "Choose who owns the complaint.", "invalid_choice": "Choose a colleague listed."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for()  # type: ignore[attr-defined]
        owner = self.fields["owner"]
        owner.queryset = roles.handlers()  # type: ignore[attr-defined]
        if user.is_superuser and not owner.queryset.filter(pk=user.pk).exists():  # type: ignore[attr-defined]
            # The administrator is not offered as owner; make them choose rather than preselect a colleague.
            owner.empty_label = "Choose who owns it…"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("received_at", now_for_input())
            self.initial.setdefault("owner", user.pk)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("channel", css_class="col-md-4"),
                Column("category", css_class="col-md-4"),
                Column("severity", css_class="col-md-4"),
            ),
            # Most complaints are logged as they arrive: the time is behind a disclosure, so the date-time
            # picker's seven tab stops are not in the way between the last text box and the button.
            Field("received_at", template=RECEIVED_FIELD_TEMPLATE),
            "summary",
            "description",
            "desired_remedy",
            Row(Column("owner", css_class="col-md-6")),
        )
        offer_clock_choice(self, "received_at")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Which reading of a repeated clock time was meant is already in received_at.
        cleaned.pop("received_at_reading", None)
        return cleaned

    def clean_received_at(self) -> datetime:
        received: datetime = self.cleaned_data["received_at"]
        if received > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(FUTURE)
        return received

    def focus(self, name: str) -> None:
        """Put the cursor in field `name` when the page loads."""
        self.fields[name].widget.attrs["autofocus"] = True

    def first_error(self) -> str | None:
        """Return the first field (in page order) with an error, or None."""
        return next((name for name in self.fields if name in self.errors), None)
