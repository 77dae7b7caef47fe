"""What is stored, counted in one query, and what a text field must make of a payload of tests/payloads.py."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from tests.payloads import BLANK, REFUSED, REFUSED_IN_CODE

APPS = ("customers", "recovery", "policy", "training")


def stored_rows() -> tuple[int, ...]:
    """Count the rows of every table CareDesk keeps, in one query."""
    models = [model for app in APPS for model in apps.get_app_config(app).get_models()]
    quote = connection.ops.quote_name
    # Table names from the models, quoted: no text from outside.
    counts = ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return tuple(row)


def expected_text(
    payload: str, text: str, *, limit: int, required: bool = False, one_line: bool = False, strips: bool = True
) -> str | None:
    """Return what a field must store for payload `payload` (`text`), or None when it must be refused.

    Decided from the payload's kind and the field's rules, never from the code under test: refused
    characters and text over the limit are refused; text with nothing visible is empty (refused where
    required); a line break is refused in a one-line field; the rest is stored stripped of surrounding
    whitespace (Markdown keeps it: `strips=False`).
    """
    if payload in REFUSED or payload in REFUSED_IN_CODE:
        return None
    if payload in BLANK:
        return None if required else ""
    cleaned = text.strip() if strips else text
    if one_line and ("\n" in cleaned or "\r" in cleaned):
        return None
    return cleaned if len(cleaned) <= limit else None
