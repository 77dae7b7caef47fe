"""Search complaints by reference, customer and text: one function every list, search and export uses.

`search_complaints(queryset, q)` only narrows the queryset it is given, so it
never widens what a user may see: callers pass in a queryset that already
starts from `selectors.complaints_visible_to(user)`.

On PostgreSQL the search is built so that indexes answer it at a million rows
(the indexes are created by migrations recovery/0003 and customers/0002):

- the text (summary + description) is matched with full-text search:
  `to_tsvector('english', summary || ' ' || description) @@ websearch_to_tsquery(...)`,
  which is exactly the expression of the GIN index `complaint_search_fts_idx`;
- the customer's name, email and phone are matched with ILIKE '%…%', which the
  trigram GIN indexes `customer_*_trgm_idx` answer; the matching customers are
  collected first and the complaints found with `customer_id = ANY(ARRAY(…))`,
  so PostgreSQL can combine both halves with a BitmapOr of index scans instead
  of scanning every complaint (an `IN (subquery)` inside an OR cannot use an index);
- a reference (C-000123, c123, 123) matches the primary key.

SQLite (the embedded demo) has neither, so it falls back to a case-insensitive
substring match over the same few fields.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from customers.models import Customer
from recovery.models import Complaint, parse_reference

# Must stay identical to the index expression in recovery/migrations/0003_search_indexes.py.
SEARCH_CONFIG = "english"
SEARCH_MAX = 200
# PostgreSQL refuses NUL in a string, and no other control character belongs in a search.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ILike(Lookup):  # type: ignore[type-arg]
    """`lhs ILIKE rhs`: unlike Django's icontains (UPPER(col) LIKE …) a trigram index on the column can answer it."""

    lookup_name = "ilike"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", [*lhs_params, *rhs_params]


class EqualsAny(Lookup):  # type: ignore[type-arg]
    """`lhs = ANY(rhs)` for an array: an index on lhs can answer it, even inside an OR."""

    lookup_name = "equals_any"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", [*lhs_params, *rhs_params]


def complaint_search_vector() -> SearchVector:
    """Return the full-text vector of a complaint's text (the expression the GIN index holds)."""
    return SearchVector("summary", "description", config=SEARCH_CONFIG)


def _like_pattern(text: str) -> str:
    """Return a LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _reference_condition(text: str) -> list[Q]:
    pk = parse_reference(text)
    return [Q(pk=pk)] if pk is not None else []


def _postgresql_condition(text: str) -> Q:
    pattern = _like_pattern(text)
    customers = (
        Customer.objects.filter(
            Q(ILike(F("name"), pattern)) | Q(ILike(F("email"), pattern)) | Q(ILike(F("phone"), pattern))
        )
        .order_by()
        .values("pk")
    )
    text_match = SearchVectorExact(
        complaint_search_vector(), SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    )
    customer_match = EqualsAny(F("customer_id"), ArraySubquery(customers))
    return reduce(or_, [*_reference_condition(text), Q(text_match), Q(customer_match)])


def _fallback_condition(text: str) -> Q:
    fields = ("summary", "description", "customer__name", "customer__email", "customer__phone")
    return reduce(or_, [*_reference_condition(text), *(Q(**{f"{field}__icontains": text}) for field in fields)])


def search_condition(text: str, *, vendor: str) -> Q:
    """Return the condition matching `text` on a database of the given vendor."""
    return _postgresql_condition(text) if vendor == "postgresql" else _fallback_condition(text)


def search_complaints(queryset: QuerySet[Complaint], q: str) -> QuerySet[Complaint]:
    """Return the complaints in `queryset` matching `q` (reference, customer name/email/phone, or text).

    A blank `q` returns the queryset unchanged. Only ever narrows `queryset`.
    """
    text = " ".join(_CONTROL.sub(" ", q).split())[:SEARCH_MAX]
    if not text:
        return queryset
    return queryset.filter(search_condition(text, vendor=connections[queryset.db].vendor))
