"""Forms of intake's staff pages: taking a complaint from the inbox. Validation only."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from accounts import roles
from common.forms import PersonChoiceField
from recovery.models import Category, Complaint, Severity
from recovery.permissions import people_who_may_be_given_q

STALE = "Someone changed this complaint while you were looking at it; check it below and try again."


class TakeForm(forms.Form):
    """The initial assessment that comes with taking a complaint (pre-filled with the inbox's suggestion)."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose one of the categories listed."},
    )
    severity = forms.ChoiceField(
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a severity.", "invalid_choice": "Choose one of the severities listed."},
    )
    to = PersonChoiceField(
        queryset=None,
        required=False,
        label="Give it to",
        empty_label="Me",
        error_messages={"invalid_choice": "Choose one of the colleagues listed."},
    )
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE, "invalid": STALE, "min_value": STALE},
    )

    def __init__(self, *args: Any, complaint: Complaint, user: Any, manager: bool, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"category": complaint.category_id, "severity": complaint.severity, "expected_version": complaint.version},
        )
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.stale_message = ""
        if manager:
            people = roles.handlers().filter(people_who_may_be_given_q(complaint.customer)).exclude(pk=user.pk)
            self.fields["to"].queryset = people  # type: ignore[attr-defined]
        else:
            del self.fields["to"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
