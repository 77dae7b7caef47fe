"""Typed readers for environment variables.

Each helper fails loudly with ImproperlyConfigured on a malformed value, so a
typo in a deployment's environment stops the process at start-up instead of
silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as a string, or the default when it is unset."""
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable as a boolean; accept 1/0, true/false, yes/no, on/off."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false, 1/0, yes/no, on/off; got {source[name]!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return the variable as an integer, checking an optional lower bound."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    try:
        value = int(source[name].strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {source[name]!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    source = os.environ if environ is None else environ
    if name not in source:
        return list(default or [])
    return [item.strip() for item in source[name].split(",") if item.strip()]


def env_line(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as one line of printable text (it may end up in an email header), not empty."""
    value = env_str(name, default, environ=environ).strip()
    if not value or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ImproperlyConfigured(f"{name} must be one line of text; got {value!r}.")
    return value


def env_email(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as an email address (name@domain), checked the way Django checks addresses."""
    value = env_str(name, default, environ=environ).strip()
    try:
        validate_email(value)
    except ValidationError:
        message = f"{name} must be an email address such as care@example.com; got {value!r}."
        raise ImproperlyConfigured(message) from None
    return value


def env_addresses(name: str, *, environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Return a comma-separated list of addresses ("Name <a@example.com>, b@example.com") as
    (name, address) pairs, each address checked the way Django checks addresses."""
    value = env_str(name, "", environ=environ).strip()
    if not value:
        return []
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ImproperlyConfigured(f"{name} must be one line of text; got {value!r}.")
    pairs = []
    for item in value.split(","):
        item = item.strip()
        display, address = parseaddr(item)
        try:
            validate_email(address)
            # Only "address" or "Name <address>": parseaddr quietly drops whatever else it cannot read.
            if item not in (address, f"{display} <{address}>".strip()) and item != f"<{address}>":
                raise ValidationError(item)
        except ValidationError:
            example = "'Ann Admin <ann@example.com>, ops@example.com'"
            message = f"{name} must list email addresses such as {example}; got {item!r}."
            raise ImproperlyConfigured(message) from None
        pairs.append((display, address))
    return pairs
