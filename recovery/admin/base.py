"""What the admin's read-only pages share: the complaint reference, shown and searched (no adding or changing
is `common.admin.ReadOnly`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from recovery.models import ComplaintEvent, RecoveryAction, Reminder, Survey, format_reference, parse_reference


def _complaint_reference(obj: RecoveryAction | ComplaintEvent | Reminder | Survey) -> str:
    # The reference comes from the key alone, so no join is needed to show it.
    return format_reference(obj.complaint_id)


def _search_by_reference(
    queryset: QuerySet[Any], results: QuerySet[Any], search_term: str, *, lookup: str
) -> QuerySet[Any]:
    """Add the complaint whose reference ("C-000123", "c123", "123") is the search term."""
    pk = parse_reference(search_term)
    return results | queryset.filter(**{lookup: pk}) if pk is not None else results
