"""Cursor pagination: pages that stay right while complaints arrive, and cost the same on page 1 and page 40,000.

A cursor names a position in the ordering (not an offset), so a new complaint never pushes a row onto the
next page twice, and the database seeks to the position along the index instead of counting past every
earlier row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

from recovery.models import due_order

# The complaint list's orderings (recovery/filters.py SORTS), as plain fields a cursor can hold. A complaint
# waiting to be closed has no due time: after every dated one in "due", before them in "-due" (the same
# index read backwards).
COMPLAINT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "-received": ("-received_at", "-pk"),
    "received": ("received_at", "pk"),
    "due": ("due_key", "received_at", "pk"),
    "-due": ("-due_key", "-received_at", "-pk"),
}


class _Pagination(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_description = "The `next` or `previous` link of the page before: where this page starts."
    page_size_query_description = "How many rows a page holds (1–100, 25 if not given)."

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"Ask for 1 to {self.max_page_size} rows a page."]})
        return size


class ComplaintCursorPagination(_Pagination):
    """Complaints in the order `sort` asks for (as the complaint list offers), newest first by default."""

    ordering = COMPLAINT_ORDERINGS["-received"]

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: Any = None) -> list[Any] | None:
        sort = request.query_params.get("sort") or "-received"
        if sort not in COMPLAINT_ORDERINGS:
            raise ValidationError({"sort": [f"Sort by one of: {', '.join(COMPLAINT_ORDERINGS)}."]})
        self.ordering = COMPLAINT_ORDERINGS[sort]
        if "due" in sort:
            queryset = queryset.annotate(due_key=due_order())
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        return tuple(self.ordering)


class NameCursorPagination(_Pagination):
    """By name, then by id (customers)."""

    ordering = ("name", "pk")


class InboxPagination(PageNumberPagination):
    """Pages of the inbox, as the inbox screen pages it (it holds a handful, most severe first)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = "Which page (1, 2, …; the `next` link gives it)."
    page_size_query_description = "How many complaints a page holds (1–100, 25 if not given)."
