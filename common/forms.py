"""What every app's forms share."""

from __future__ import annotations

from django import forms


def focus_first_error(form: forms.BaseForm) -> str | None:
    """Put the cursor in the first visible field with an error when the page loads; return its name.

    Browsers honour `autofocus` on a page that loads, htmx on content it swaps in, so a person sent back
    to a refused form lands where they need to type, with or without JavaScript.
    """
    for name, field in form.fields.items():
        if name in form.errors and not field.widget.is_hidden:
            field.widget.attrs["autofocus"] = True
            return name
    return None
