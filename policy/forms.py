"""The form a manager publishes a new version of the policy with; it validates, `services` decides."""

from __future__ import annotations

from typing import Any

from crispy_forms.bootstrap import PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from common.forms import AmountField, PlainTextField
from common.money import currency_symbol
from policy.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, PolicyVersion


class PublishForm(forms.Form):
    """A new version: title, text (Markdown), what changed, and the empowerment limit."""

    title = PlainTextField(
        limit=TITLE_MAX,
        required=True,
        label="Title",
        widget=forms.TextInput(),
        error_messages={"required": "Give the policy a title."},
    )
    body = PlainTextField(
        limit=BODY_MAX,
        required=True,
        rows=20,
        label="Text",
        help_text="Markdown: ## for a heading, - for a list, **bold**, [a link](https://…). HTML is shown as typed.",
        error_messages={"required": "Write the policy: its text cannot be empty."},
    )
    change_summary = PlainTextField(
        limit=SUMMARY_MAX,
        required=True,
        rows=2,
        label="What changed",
        help_text="One or two lines: everyone sees it when asked to read the new version.",
        error_messages={"required": "Say in a line what changed."},
    )
    empowerment_limit = AmountField(
        noun="the empowerment limit",
        example="50 or 49.99",
        label="Empowerment limit",
        help_text="The atonement value a front-line person may give on their own; above it, a manager decides.",
        error_messages={"required": "Enter the empowerment limit (0 if front-line staff may give nothing)."},
    )
    # The version in force when the form was shown (see policy_publish's expected_current).
    expected_current = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "title",
            "body",
            "change_summary",
            PrependedText("empowerment_limit", currency_symbol()),
            "expected_current",
        )

    @classmethod
    def initial_from(cls, current: PolicyVersion | None) -> dict[str, Any]:
        """Return the starting values: the version in force, to edit into the next one."""
        if current is None:
            return {"expected_current": 0}
        return {
            "title": current.title,
            "body": current.body,
            "empowerment_limit": current.empowerment_limit,
            "expected_current": current.number,
        }
