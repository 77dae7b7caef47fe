"""Validators for text that people type or paste."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls except tab, newline and carriage return, plus DEL and C1 controls.
# A NUL cannot even be stored in PostgreSQL text; the others come from bad pastes.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class NoControlCharactersValidator:
    """Reject text with invisible control characters (NUL, escape, bell …)."""

    message = "Remove the invisible control characters from this text (they often come from a bad paste)."
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


no_control_characters = NoControlCharactersValidator()
