"""The one error type services raise when they refuse a request."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A refusal with a message a person can read.

    `field` names the form field the message belongs next to, when there is
    one; views add it to the form with `form.add_error(error.field, error.message)`.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> DomainError:
        """Turn Django's ValidationError into a domain error for its first field."""
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = " ".join(str(m) for e in errors for m in e.messages)
            return cls(message, field=None if field == "__all__" else field)
        return cls(" ".join(exc.messages))
