"""The erasure's confirm form. Validation only: `erasure.customer_erase` decides and may still refuse."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from common.forms import PlainTextField
from customers.models import ERASURE_REASON_MAX
from customers.personal_data.erasure import CONFIRMATION_WORD


class ErasureForm(forms.Form):
    """Why the data is erased, and the confirmation word typed."""

    reason = PlainTextField(
        limit=ERASURE_REASON_MAX,
        required=True,
        label="Why is the data erased?",
        help_text="Kept with the record of the erasure. Say who asked and when; leave out their name and details.",
        error_messages={"required": "Say why the data is erased (for example, the customer's request and its date)."},
    )
    confirmation = forms.CharField(
        max_length=20,
        label=f"Type {CONFIRMATION_WORD} to confirm",
        help_text="This cannot be undone.",
        error_messages={"required": f"Type {CONFIRMATION_WORD} to confirm that this cannot be undone."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
