"""The sign-in form (for CareDesk and, with its own check added, the admin), the code page's and the account pages'.

They validate and lay out, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

from common.validators import has_broken_characters


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

    def clean_old_password(self) -> str:
        # Half a character (only code can send one) cannot be hashed: it is simply not the password.
        if has_broken_characters(str(self.cleaned_data.get("old_password") or "")):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return str(super().clean_old_password())

    def clean_new_password1(self) -> str:
        password = str(self.cleaned_data.get("new_password1") or "")
        if has_broken_characters(password):
            raise forms.ValidationError("This password has a character that cannot be stored; type it again.")
        return password


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username or password no account can have before trying it.

    Django gives the username field its `max_length` after building it, so the length is never
    checked; a longer name reached django-axes, whose record of a failed attempt holds 255
    characters, and the sign-in page answered 500. Either is refused as a wrong username and password.
    """

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "")
        limit = getattr(self.fields["username"], "max_length", None) or 150
        if len(username) > limit or has_broken_characters(username):
            raise self.get_invalid_login_error()
        return username

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if has_broken_characters(password):
            raise self.get_invalid_login_error()
        return password
