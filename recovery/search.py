"""Search complaints by reference, customer and text: one function every list, search and export uses.

`search_complaints(queryset, q)` only narrows the queryset it is given, so it
never widens what a user may see: callers pass in a queryset that already
starts from `selectors.complaints_visible_to(user)`.

A complaint matches when the text is
- its reference, however typed (C-000123, c123, #123, 123): the primary key;
- words of its summary or description, whatever their case and accents;
- anything `customers.search.customer_condition` matches on its customer: name, email,
  phone (also in another format: 07700 900348 finds +44 7700 900348) or organisation.

On PostgreSQL the search is built so that indexes answer it at a million rows:

- the text is matched with full-text search:
  `to_tsvector('caredesk_english', summary || ' ' || description) @@ websearch_to_tsquery(...)`,
  which is exactly the expression of the GIN index `complaint_text_fts_idx` (recovery/0013;
  `caredesk_english` is English stemming after unaccent);
- the matching customers are collected first, each part of that by its own index (see
  customers/search.py), and the complaints found with `customer_id = ANY(ARRAY(…))` on
  `complaint_customer_idx`, so PostgreSQL can combine the halves with a BitmapOr of index scans
  instead of scanning every complaint (an `IN (subquery)` inside an OR cannot use an index);
- a reference matches the primary key.

SQLite (the embedded demo) has neither, so it falls back to a substring match over the same
fields, folded with `caredesk_fold` (common/textsearch.py) so case and accents beyond ASCII do not
matter there either.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connections
from django.db.models import F, Q, QuerySet

from common.textsearch import EqualsAny
from customers.models import Customer
from customers.search import customer_condition
from recovery.models import Complaint, parse_reference

# Must stay identical to the index expression in recovery/migrations/0013_search_unaccent.py.
SEARCH_CONFIG = "caredesk_english"
SEARCH_MAX = 200
# PostgreSQL refuses NUL in a string, and no other control character belongs in a search.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def complaint_search_vector() -> SearchVector:
    """Return the full-text vector of a complaint's text (the expression the GIN index holds)."""
    return SearchVector("summary", "description", config=SEARCH_CONFIG)


def _reference_condition(text: str) -> list[Q]:
    pk = parse_reference(text)
    return [Q(pk=pk)] if pk is not None else []


def _postgresql_condition(text: str) -> Q:
    customers = Customer.objects.filter(customer_condition(text, vendor="postgresql")).order_by().values("pk")
    text_match = SearchVectorExact(
        complaint_search_vector(), SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    )
    customer_match = EqualsAny(F("customer_id"), ArraySubquery(customers))
    return reduce(or_, [*_reference_condition(text), Q(text_match), Q(customer_match)])


def _fallback_condition(text: str, *, vendor: str) -> Q:
    customers = Customer.objects.filter(customer_condition(text, vendor=vendor)).order_by().values("pk")
    text_match = Q(summary__folded_contains=text) | Q(description__folded_contains=text)
    return reduce(or_, [*_reference_condition(text), text_match, Q(customer__in=customers)])


def search_condition(text: str, *, vendor: str) -> Q:
    """Return the condition matching `text` on a database of the given vendor."""
    return _postgresql_condition(text) if vendor == "postgresql" else _fallback_condition(text, vendor=vendor)


def search_complaints(queryset: QuerySet[Complaint], q: str) -> QuerySet[Complaint]:
    """Return the complaints in `queryset` matching `q` (reference, customer name/email/phone/organisation, or text).

    A blank `q` returns the queryset unchanged. Only ever narrows `queryset`.
    """
    text = " ".join(_CONTROL.sub(" ", q).split())[:SEARCH_MAX]
    if not text:
        return queryset
    return queryset.filter(search_condition(text, vendor=connections[queryset.db].vendor))
