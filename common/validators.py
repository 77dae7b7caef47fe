"""Validators for text that people type or paste.

`no_control_characters` refuses what cannot or should not be stored: control characters (a NUL cannot
even be stored in PostgreSQL text) and lone surrogates (half an emoji, which no database encoding
accepts). `single_line` refuses line breaks in a one-line field (a name, a summary, a title).
`is_blank` says whether text has anything a person could read, and `visible_or_empty` turns text
that has not into "", so a name of zero-width spaces does not count as filled in.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls except tab, newline and carriage return, plus DEL and C1 controls.
# A NUL cannot even be stored in PostgreSQL text; the others come from bad pastes.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a character outside the Basic Multilingual Plane: cannot be encoded, so never stored.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]")


def has_broken_characters(value: str) -> bool:
    """Return True when `value` holds half a character (a lone surrogate: only code can send one)."""
    return bool(_SURROGATES.search(value))


@deconstructible
class NoControlCharactersValidator:
    """Reject text with invisible control characters (NUL, escape, bell …) or broken characters."""

    message = "Remove the invisible control characters from this text (they often come from a bad paste)."
    broken_message = "This text has a broken character (half of an emoji or symbol): type that character again."
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        if _CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)
        if has_broken_characters(value):
            raise ValidationError(self.broken_message, code="broken_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


no_control_characters = NoControlCharactersValidator()

SINGLE_LINE_MESSAGE = "Keep this on one line."


def single_line(value: object) -> None:
    """Reject line breaks in a one-line field: a name or a title is one line wherever it is shown."""
    if isinstance(value, str) and _LINE_BREAKS.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def _invisible(character: str) -> bool:
    # Whitespace, and format characters (Cf): zero-width spaces and joiners, direction marks, the BOM.
    return character.isspace() or unicodedata.category(character) == "Cf"


def is_blank(value: object) -> bool:
    """Return True when `value` has nothing a person could read: empty, whitespace, zero-width characters."""
    return value is None or all(_invisible(character) for character in str(value))


def visible_or_empty(value: object) -> str:
    """Return `value` as text stripped of surrounding whitespace, or "" when it has nothing visible."""
    text = "" if value is None else str(value).strip()
    return "" if is_blank(text) else text


def check_text(value: str, *, limit: int, one_line: bool = False) -> None:
    """Raise ValidationError when `value` is longer than `limit`, has control characters, or (`one_line`) breaks.

    For services that take text from code as well as from forms: the same rules as `PlainTextField`.
    """
    if len(value) > limit:
        raise ValidationError(
            f"Keep this to {limit:,} characters (this is {len(value):,}).", code="max_length", params={"limit": limit}
        )
    no_control_characters(value)
    if one_line:
        single_line(value)
