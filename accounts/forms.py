"""The sign-in form, for CareDesk and (with its own check added) for the admin."""

from __future__ import annotations

import re

from django.contrib.auth.forms import AuthenticationForm

# Half of a character outside the Basic Multilingual Plane: no account's name or password has one, and
# neither the database nor the password hasher can encode it.
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username or password no account can have before trying it.

    Django gives the username field its `max_length` after building it, so the length is never
    checked; a longer name reached django-axes, whose record of a failed attempt holds 255
    characters, and the sign-in page answered 500. Either is refused as a wrong username and password.
    """

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "")
        limit = getattr(self.fields["username"], "max_length", None) or 150
        if len(username) > limit or _SURROGATES.search(username):
            raise self.get_invalid_login_error()
        return username

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if _SURROGATES.search(password):
            raise self.get_invalid_login_error()
        return password
