"""The sign-in form, for CareDesk and (with its own check added) for the admin."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before trying it.

    Django gives the username field its `max_length` after building it, so the length is never
    checked; a longer name reached django-axes, whose record of a failed attempt holds 255
    characters, and the sign-in page answered 500.
    """

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "")
        limit = getattr(self.fields["username"], "max_length", None) or 150
        if len(username) > limit:
            raise self.get_invalid_login_error()
        return username
