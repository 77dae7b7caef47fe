"""Which customers a search text matches: the one definition behind the customer list, the log form's picker
and the complaint search ("the complaints of the customers this finds").

A customer matches when the text is part of their name, email, phone or organisation's name, whatever
the case and accents (`folded_contains`, see common/textsearch.py), or when it is their phone number
typed in another format (`phone_normalized`, see common/phones.py).

On PostgreSQL every branch of the OR is answered by an index, so PostgreSQL combines them with a
BitmapOr instead of reading every customer:

- name: `customer_name_unaccent_trgm_idx`, GIN trigram on `caredesk_unaccent(name)` (customers/0004);
- email: `customer_email_trgm_idx`, GIN trigram (customers/0002);
- phone as typed: `customer_phone_trgm_idx`, GIN trigram (customers/0002);
- phone number in any format: `customer_phone_normalized_idx`, B-tree (customers/0003);
- organisation: `organization_name_unaccent_trgm_idx` finds the organisations (customers/0004), then the
  foreign-key index on `organization_id` their customers, with `organization_id = ANY(ARRAY(…))`
  (an `IN (subquery)` inside an OR cannot use an index).

Email and phone keep plain ILIKE (case-insensitive) to use their existing indexes: neither has accents.
SQLite (the embedded demo) folds every field with `caredesk_fold` and reads every customer.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Q

from common.phones import phone_search_keys
from common.textsearch import EqualsAny, ILike, like_pattern
from customers.models import Organization


def customer_condition(text: str, *, vendor: str) -> Q:
    """Return the condition on Customer matching a cleaned, non-blank search `text` on a database of `vendor`."""
    if vendor == "postgresql":
        pattern = like_pattern(text)
        organizations = Organization.objects.filter(name__folded_contains=text).order_by().values("pk")
        conditions = [
            Q(name__folded_contains=text),
            Q(ILike(F("email"), pattern)),
            Q(ILike(F("phone"), pattern)),
            Q(EqualsAny(F("organization_id"), ArraySubquery(organizations))),
        ]
    else:
        fields = ("name", "email", "phone", "organization__name")
        conditions = [Q(**{f"{field}__folded_contains": text}) for field in fields]
    keys = phone_search_keys(text)
    if keys:
        conditions.append(Q(phone_normalized__in=keys))
    return reduce(or_, conditions)
