"""Reads of customers: the search behind the log form's picker and the customer list, and a customer's figures.

Customers themselves are not confidential: anyone who works complaints may
find and read any customer. Their complaints are: every count and list of a
customer's complaints here starts from `recovery.selectors.complaints_visible_to`,
so a front-line user never learns about an employee's complaint they may not see.

What a search text matches (name, email, phone or organisation, whatever the case and accents,
or the phone number in another format) and which index answers each part is `customers.search`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from customers.models import Customer, CustomerGroup, PersonalDataRecord
from customers.search import customer_condition
from recovery.definitions import is_repeat
from recovery.models import Complaint, Outcome, RecoveryAction, Stage
from recovery.selectors import complaints_visible_to

# What people type into a search box, at most; the rest is ignored.
QUERY_MAX = 100
# How many customers the log form's picker offers.
PICKER_LIMIT = 10

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(text: Any) -> str:
    """Return a search text safe to query with: no control characters (PostgreSQL refuses NUL), one space, short."""
    cleaned = _CONTROL.sub(" ", str(text or ""))
    return " ".join(cleaned.split())[:QUERY_MAX]


def search_customers(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Return the customers in `customers` matching `text` (see customers.search); a blank `text` changes nothing."""
    text = clean_query(text)
    if not text:
        return customers
    return customers.filter(customer_condition(text, vendor=connections[customers.db].vendor))


def customer_search(*, text: str = "", group: str = "") -> QuerySet[Customer]:
    """Return the customers whose name, email, phone or organisation contains `text`, by name.

    A blank `text` matches everyone; `group` (one of the five) narrows to that group.
    """
    customers = Customer.objects.select_related("organization").order_by("name", "pk")
    if group in CustomerGroup.values:
        customers = customers.filter(group=group)
    return search_customers(customers, text)


@dataclass(frozen=True)
class PickerResults:
    """What the log form's customer picker shows for one search."""

    text: str
    customers: list[Customer]
    more: bool


def customer_picker(text: str) -> PickerResults:
    """Return the first customers matching `text` for the picker, and whether there are more."""
    text = clean_query(text)
    if not text:
        return PickerResults(text="", customers=[], more=False)
    # An erased customer gets no new complaints (complaint_log refuses them), so the picker leaves them out.
    found = list(customer_search(text=text).filter(erased_at__isnull=True)[: PICKER_LIMIT + 1])
    return PickerResults(text=text, customers=found[:PICKER_LIMIT], more=len(found) > PICKER_LIMIT)


def get_customer(pk: Any) -> Customer:
    """Return customer `pk` with their organisation and staff account; 404 when there is none."""
    try:
        return Customer.objects.select_related("organization", "staff_user").get(pk=int(pk))
    except (Customer.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("No such customer.") from None


def find_customer(pk: Any) -> Customer | None:
    """Return customer `pk` (as typed into a URL), or None when there is no such customer."""
    try:
        return get_customer(pk)
    except Http404:
        return None


def customer_complaints(user: Any, customer: Customer) -> QuerySet[Complaint]:
    """Return the customer's complaints the user may see, newest first."""
    return complaints_visible_to(user).filter(customer=customer).order_by("-received_at", "-pk")


@dataclass(frozen=True)
class ComplaintCounts:
    """How many of a customer's complaints the user may see: all, still open, and repeat complaints."""

    total: int = 0
    open: int = 0
    repeats: int = 0

    @property
    def is_repeat(self) -> bool:
        """Return True when any of them is a repeat complaint (`recovery.definitions.is_repeat`)."""
        return self.repeats > 0


@dataclass(frozen=True)
class CustomerFigures(ComplaintCounts):
    """A customer's totals, over the complaints the user may see."""

    retained: int = 0
    lost: int = 0
    atonement_total: Decimal = Decimal("0")


def _count_fields() -> dict[str, Count]:
    return {
        "total": Count("pk"),
        "open": Count("pk", filter=~Q(stage=Stage.CLOSED)),
        "repeats": Count("pk", filter=Q(is_repeat())),
    }


def complaint_counts(user: Any, customer_ids: list[int]) -> dict[int, ComplaintCounts]:
    """Return, for each customer on a page, the counts of their complaints the user may see (one query)."""
    if not customer_ids:
        return {}
    rows = (
        complaints_visible_to(user)
        .filter(customer_id__in=customer_ids)
        .order_by()
        .values("customer_id")
        .annotate(**_count_fields())
    )
    return {
        row["customer_id"]: ComplaintCounts(total=row["total"], open=row["open"], repeats=row["repeats"])
        for row in rows
    }


def customer_figures(user: Any, customer: Customer) -> CustomerFigures:
    """Return the customer's totals over the complaints the user may see (two queries)."""
    visible = complaints_visible_to(user).filter(customer=customer).order_by()
    counts = visible.aggregate(
        **_count_fields(),
        retained=Count("pk", filter=Q(outcome=Outcome.RETAINED)),
        lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
    )
    atoned = RecoveryAction.objects.filter(
        complaint__in=visible.values("pk"), step=Stage.ATONE, skipped=False
    ).aggregate(total=Sum("atonement_value"))
    return CustomerFigures(**counts, atonement_total=atoned["total"] or Decimal("0"))


def personal_data_records(customer: Customer) -> list[PersonalDataRecord]:
    """Return who exported or erased the customer's personal data, and when, oldest first (one query)."""
    return list(
        PersonalDataRecord.objects.filter(customer=customer).select_related("actor").order_by("created_at", "pk")
    )
