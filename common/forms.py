"""What every app's forms share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from common.people import display_name
from common.validators import no_control_characters, single_line, visible_or_empty


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


class PlainTextField(forms.CharField):
    """Text a person types: a length limit with a message that counts, and no control characters.

    The limit is a validator rather than `max_length`, so the browser does not
    silently cut a long paste short: the person is told instead, and keeps the text.
    Text with nothing visible (spaces, zero-width characters, direction marks) counts as empty,
    so a required field is not filled in by them. A field shown as one line (not a Textarea)
    refuses line breaks, which only a crafted request or a paste into it can carry.
    """

    def __init__(self, *, limit: int, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)
        # Django's own NUL check says the same as ours, less helpfully; keep one message.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators += [
            MaxLengthValidator(
                limit,
                message=f"Keep this to {limit:,} characters (this is %(show_value)d).",
            ),
            no_control_characters,
        ]
        if not isinstance(self.widget, forms.Textarea):
            self.validators.append(single_line)

    def to_python(self, value: Any) -> str:
        # Browsers send line breaks as CR LF; store one kind, so text sent back unchanged compares equal.
        return visible_or_empty(super().to_python(value)).replace("\r\n", "\n")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A colleague, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


class AmountField(forms.DecimalField):
    """An amount of money as people type it: 0 or more, to the penny, under 100,000,000.

    The bounds are those of every money column (max_digits=10, decimal_places=2). `noun` names the
    amount in the messages ("the value", "the empowerment limit"); `example` shows how to type one.
    """

    def __init__(self, *, noun: str, example: str, **kwargs: Any) -> None:
        too_big = f"{noun[:1].upper()}{noun[1:]} must be less than 100,000,000."
        messages = {
            "invalid": f"Enter {noun} as an amount, like {example}.",
            "min_value": f"{noun[:1].upper()}{noun[1:]} cannot be negative.",
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": f"Give {noun} to the penny (at most 2 decimal places).",
            **kwargs.pop("error_messages", {}),
        }
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}))
        super().__init__(min_value=Decimal(0), max_digits=10, decimal_places=2, error_messages=messages, **kwargs)
