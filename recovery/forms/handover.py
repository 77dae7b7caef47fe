"""The form that hands all of one person's open complaints to a colleague. Validation only."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet

from common.forms import PersonChoiceField


class HandOverForm(forms.Form):
    """Choose who takes over; `recovery.workflow.complaints_hand_over` decides whether they may."""

    to = PersonChoiceField(
        queryset=None,
        label="Give them all to",
        empty_label="Choose a colleague…",
        help_text="Each complaint keeps its history; the new owner is emailed about each one.",
        error_messages={
            "required": "Choose who takes them over.",
            "invalid_choice": "Choose one of the colleagues listed.",
        },
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
