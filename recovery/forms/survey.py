"""The customer's follow-up survey: three questions, no account."""

from __future__ import annotations

from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from common.forms import PlainTextField
from recovery.models import SURVEY_COMMENT_MAX

SCORES = [
    ("1", "1 · Very unhappy"),
    ("2", "2 · Unhappy"),
    ("3", "3 · It was OK"),
    ("4", "4 · Happy"),
    ("5", "5 · Very happy"),
]
COME_BACK = [("yes", "Yes"), ("no", "No")]


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="How happy are you with the way we handled your complaint?",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a score from 1 to 5.",
            "invalid_choice": "Please choose a score from 1 (very unhappy) to 5 (very happy).",
        },
    )
    would_return = forms.TypedChoiceField(
        label="Would you come back to us?",
        choices=COME_BACK,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Please answer yes or no.", "invalid_choice": "Please answer yes or no."},
    )
    comment = PlainTextField(
        limit=SURVEY_COMMENT_MAX,
        rows=4,
        label="Anything you would like to tell us? (optional)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("satisfaction", InlineRadios("would_return"), "comment")
