"""The form a person makes an API token with; it validates, `api.tokens` decides."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from api.models import TOKEN_NAME_MAX
from common.forms import PlainTextField
from common.localtime import local_midnight


class TokenForm(forms.Form):
    name = PlainTextField(
        limit=TOKEN_NAME_MAX,
        required=True,
        label="Name",
        widget=forms.TextInput(),
        help_text="What will use it, e.g. “Shop integration”, so you know which to revoke later.",
        error_messages={"required": "Give the token a name, e.g. what will use it."},
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires at the end of (optional)",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Leave empty for a token that lasts until you revoke it.",
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_expires_on(self) -> date | None:
        day: date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        if day is not None and day.year >= 3000:
            raise forms.ValidationError("Choose a day before the year 3000.")
        return day

    def expires_at(self) -> datetime | None:
        """The end of the chosen local day, or None."""
        day = self.cleaned_data.get("expires_on")
        return local_midnight(day + timedelta(days=1)) if day else None
