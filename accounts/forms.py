"""The forms of the account pages and the code page: they validate and lay out, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm


class CodeForm(forms.Form):
    """A code at sign-in: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows for CareDesk now, or one of your recovery codes.",
        error_messages={"required": "Type the code your app shows, or a recovery code."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SetupCodeForm(forms.Form):
    """The first code from a newly set-up app, which proves it holds the secret."""

    code = forms.CharField(
        label="Code from your app",
        max_length=32,
        help_text="Six digits; a new code appears every 30 seconds.",
        error_messages={"required": "Type the six digits your app shows for CareDesk."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form, with the browser told which password is which (password managers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["new_password1"].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password2"].widget.attrs.update({"autocomplete": "new-password"})
