"""Pagination that stays fast on a million rows.

Django's Paginator counts every matching row (for "page 3 of 40,000") and fetches a page with
OFFSET over the full, joined rows. At a million complaints the exact count is most of a list
request's time, and a deep page builds and throws away every joined row before it. This paginator
counts only as far as it needs to (enough to know the requested page and whether another follows,
and at least `count_cap` rows for the total shown), and fetches a page as 25 keys first, then those
rows with their joins.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

# Paginator is generic only to the type checker.
if TYPE_CHECKING:
    PaginatorBase = Paginator[Any]
else:
    PaginatorBase = Paginator

COUNT_CAP = 10_000


# No list has this many pages; a larger number typed into the URL would overflow the count's LIMIT
# (a 500 on PostgreSQL and SQLite alike) rather than show the last page.
MAX_PAGE = 1_000_000


def requested_page(value: object) -> int:
    """Return the page number asked for, or 1 when it is missing or not a positive whole number.

    Absurdly large numbers become `MAX_PAGE`, so the count stays a query the database accepts; the
    paginator then shows the last page, as for any page past the end.
    """
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


class CappedCountPaginator(PaginatorBase):
    """A Paginator over a QuerySet whose count stops at what the requested page needs.

    `capped` is True when more rows exist than were counted: the page then says "more than N" and
    offers no "last page" link.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, page: object, count_cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.count_cap = count_cap
        self.requested = requested_page(page)
        self.capped = False

    @cached_property
    def count(self) -> int:
        # Enough to place the requested page and see whether a next one exists, and at least the cap.
        limit = max(self.count_cap, (self.requested + 1) * self.per_page) + 1
        counted = self.queryset.order_by().values("pk")[:limit].count()
        self.capped = counted >= limit
        return min(counted, limit - 1)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.queryset.order_by().in_bulk(keys)
        return Page([rows[key] for key in keys if key in rows], number, self)
